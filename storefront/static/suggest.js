// Autocomplete for the search box: fills a <datalist> from /api/v1/suggest
// as the shopper types. The form works the same without it.
(function () {
  var input = document.getElementById('q');
  var list = document.getElementById('q-suggestions');
  if (!input || !list || !window.fetch) return;
  var timer, last = '';
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      fetch('/api/v1/suggest?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (d) {
          list.textContent = '';
          (d.items || []).forEach(function (s) {
            var o = document.createElement('option');
            o.value = s.text;
            list.appendChild(o);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
