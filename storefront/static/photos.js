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
  var check = form.querySelector("#photos-check");
  // refuse before sending what the server would refuse anyway: a phone on
  // a slow connection should not upload 80 MB to learn that
  if (input && check) {
    var limit = Number(form.getAttribute("data-limit-mb")) * 1048576;
    var problem = function () {
      var total = 0;
      for (var i = 0; i < input.files.length; i++) {
        if (input.files[i].size > 15 * 1048576) return form.getAttribute("data-msg-file");
        total += input.files[i].size;
      }
      return limit > 0 && total > limit ? form.getAttribute("data-msg-total") : "";
    };
    var show = function () {
      var msg = problem();
      check.textContent = msg;
      check.hidden = !msg;
      return msg;
    };
    input.addEventListener("change", show);
    form.addEventListener("submit", function (e) {
      if (show()) e.preventDefault();
    });
  }
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
