// Apply and checkout forms (/mo-cua-hang, /thanh-toan): when the province changes, fill the commune
// list with that province's communes (by name). Without JavaScript the
// page offers the same list through its "choose province" form, which
// this script removes.
(function () {
  var prov = document.getElementById('province');
  var commune = document.getElementById('commune');
  if (!prov || !commune || !window.fetch) return;
  // one province select: the no-JavaScript "choose province" form goes away
  document.querySelectorAll('[data-nojs]').forEach(function (el) { el.remove(); });
  prov.addEventListener('change', function () {
    var code = prov.value;
    var list = document.getElementById('commune-list');
    if (!list) {
      list = document.createElement('datalist');
      list.id = 'commune-list';
      commune.parentNode.insertBefore(list, commune.nextSibling);
    }
    list.textContent = '';
    if (!/^[0-9]{2}$/.test(code)) return;
    fetch((commune.getAttribute('data-communes') || '/mo-cua-hang/xa') + '?tinh=' + code, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) {
        items.forEach(function (c) {
          var o = document.createElement('option');
          o.value = c.name;
          list.appendChild(o);
        });
      })
      .catch(function () {});
  });
})();
