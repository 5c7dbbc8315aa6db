// llmrank's page works without JavaScript (links and a form); this makes it instant.
(function () {
  "use strict";
  var table = document.getElementById("rankings");
  var form = document.querySelector("form.filters");

  // Filters apply as soon as they change.
  if (form) {
    form.querySelectorAll("select, input[type=checkbox][name]").forEach(function (el) {
      el.addEventListener("change", function () { form.submit(); });
    });
  }

  // Weight sliders: three ranges that write the weights field and re-rank.
  var weights = form && form.querySelector("input[name=weights]");
  var sliders = document.querySelectorAll("input.weight");
  if (weights && sliders.length) {
    sliders.forEach(function (s) {
      s.addEventListener("input", function () {
        var out = document.getElementById(s.id + "-value");
        if (out) { out.textContent = s.value; }
      });
      s.addEventListener("change", function () {
        var parts = [];
        sliders.forEach(function (x) { parts.push(x.dataset.component + ":" + x.value); });
        weights.value = parts.join(",");
        form.submit();
      });
    });
  }

  // Sorting by a header: instant when every matching row is on the page,
  // otherwise the link asks the server (which sorts all rows).
  if (!table || table.dataset.complete !== "true") { return; }
  var body = table.tBodies[0];
  table.querySelectorAll("thead th[data-col]").forEach(function (th) {
    var link = th.querySelector("a");
    if (!link) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var col = parseInt(th.dataset.col, 10);
      var url = new URL(link.href, window.location.href);
      var asc = url.searchParams.get("order") === "asc";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
        var xm = x === undefined || x === "", ym = y === undefined || y === "";
        if (xm || ym) { return xm === ym ? 0 : (xm ? 1 : -1); }
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (isNaN(nx) || isNaN(ny)) ? String(x).localeCompare(String(y)) : nx - ny;
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      table.querySelectorAll("thead th[data-col]").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      url.searchParams.set("order", asc ? "desc" : "asc");
      history.replaceState(null, "", "?" + new URL(link.href, window.location.href).searchParams.toString());
      link.href = url.pathname + "?" + url.searchParams.toString();
    });
  });
})();
