// Photo upload: a drop zone for drag-and-drop. Dropped files fill the same
// <input type=file name=photos>, so the form posts exactly as without
// JavaScript. Progressive enhancement only.
(function () {
  "use strict";
  var form = document.querySelector("form.upload");
  if (!form) return;
  var input = form.querySelector('input[type="file"]');
  var zone = form.querySelector(".dropzone");
  var hint = form.querySelector(".drop-hint");
  if (!input || !zone || typeof DataTransfer === "undefined") return;
  if (hint) hint.hidden = false;
  ["dragenter", "dragover"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) {
      e.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    zone.addEventListener(ev, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    var files = e.dataTransfer && e.dataTransfer.files;
    if (!files || !files.length) return;
    var dt = new DataTransfer();
    for (var i = 0; i < files.length; i++) dt.items.add(files[i]);
    input.files = dt.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
