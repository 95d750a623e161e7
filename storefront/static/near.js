// "Use my position" on /diem-ban: asks the browser for the shopper's
// position (with their permission) and submits the search with it. The
// page works the same without it, by province.
(function () {
  var button = document.getElementById('sr-locate');
  var near = document.getElementById('sr-near');
  var status = document.getElementById('sr-status');
  if (!button || !near || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    status.textContent = button.getAttribute('data-locating');
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      near.value = pos.coords.latitude.toFixed(5) + ',' + pos.coords.longitude.toFixed(5);
      // a position replaces the province: the nearest come first
      var province = document.getElementById('sr-province');
      if (province) province.value = '';
      button.form.submit();
    }, function () {
      status.textContent = button.getAttribute('data-denied');
      button.disabled = false;
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
  });
})();
