// llmrank's pages work without JavaScript (links, <details>, and a form
// whose fields all have names; the filters' button on narrow screens is a
// checkbox); this makes them quicker. Filters apply as
// soon as they change; the weight sliders show their shares while they
// move and apply when a drag ends (from the keyboard: with Apply, so each
// arrow key does not reload the page); a page that holds every matching
// row sorts in the browser, except by a ranking (#, Overall, Coding),
// whose tier bands and rank ranges the server draws.
(function () {
  "use strict";
  var table = document.getElementById("rankings");
  var form = document.querySelector("form.filters");

  function apply() {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  var sliders = Array.prototype.slice.call(document.querySelectorAll("input.weight"));

  if (form) {
    form.querySelectorAll("select, input[type=checkbox][name]").forEach(function (el) {
      el.addEventListener("change", apply);
    });
    // A shorter URL: empty fields, and weights left at their defaults,
    // are not sent (the server reads their absence the same way).
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name], select[name]").forEach(function (el) {
        if (el.value === "" && el.type !== "checkbox") { el.disabled = true; }
      });
      var unchanged = sliders.every(function (s) { return s.value === s.dataset.default; });
      if (unchanged) { sliders.forEach(function (s) { s.disabled = true; }); }
      // Fields disabled for the submission come back if the page is kept
      // in the back-forward cache.
      window.setTimeout(function () {
        form.querySelectorAll("[disabled]").forEach(function (el) { el.disabled = false; });
      }, 0);
    });
  }

  // Weight sliders: each output shows its slider's share of the total.
  function shares() {
    var sum = sliders.reduce(function (a, s) { return a + Number(s.value); }, 0);
    sliders.forEach(function (s) {
      var out = document.getElementById(s.id + "-value");
      if (out) { out.textContent = sum > 0 ? Math.round(100 * Number(s.value) / sum) : 0; }
    });
  }
  sliders.forEach(function (s) {
    var dragging = false;
    s.addEventListener("input", shares);
    s.addEventListener("pointerdown", function () { dragging = true; });
    s.addEventListener("change", function () {
      // A drag ends with one change event; keys send one per step.
      if (dragging) { dragging = false; apply(); }
    });
  });

  // Sorting by a header: instant when every matching row is on the page,
  // otherwise the link asks the server (which sorts all rows). Each line
  // (a <tbody>: its headline and its other members) moves as one.
  if (!table || table.dataset.complete !== "true") { return; }
  // After a sort in the browser the list is in no ranking's order: places
  // are counted again, the tier bands go, and each range is the overall one.
  function renumber() {
    table.querySelectorAll("tbody.band").forEach(function (band) { band.remove(); });
    Array.prototype.forEach.call(table.tBodies, function (body, i) {
      var pos = body.querySelector("tr.head td.rank .pos");
      if (pos) { pos.textContent = String(i + 1); }
    });
    table.querySelectorAll("td.rank .range").forEach(function (range) {
      range.textContent = range.dataset.overall || "";
    });
  }
  table.querySelectorAll("thead th[data-col]").forEach(function (th) {
    var link = th.querySelector("a");
    if (!link || th.hasAttribute("data-ranked")) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var col = parseInt(th.dataset.col, 10);
      var url = new URL(link.href, window.location.href);
      var asc = url.searchParams.get("order") === "asc";
      var lines = Array.prototype.slice.call(table.querySelectorAll("tbody.line"));
      var value = function (body) { var cell = body.rows[0].cells[col]; return cell ? cell.dataset.v : undefined; };
      lines.sort(function (a, b) {
        var x = value(a), y = value(b);
        var xm = x === undefined || x === "", ym = y === undefined || y === "";
        if (xm || ym) { return xm === ym ? 0 : (xm ? 1 : -1); }
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (isNaN(nx) || isNaN(ny)) ? String(x).localeCompare(String(y)) : nx - ny;
        return asc ? c : -c;
      });
      lines.forEach(function (body) { table.appendChild(body); });
      renumber();
      table.querySelectorAll("thead th[data-col]").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      url.searchParams.set("order", asc ? "desc" : "asc");
      history.replaceState(null, "", "?" + new URL(link.href, window.location.href).searchParams.toString());
      link.href = url.pathname + "?" + url.searchParams.toString();
    });
  });
})();
