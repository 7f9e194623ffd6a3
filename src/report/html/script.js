
(function () {
  document.documentElement.classList.add("js");
  var table = document.getElementById("register-table");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("filter-text");
  var stage = document.getElementById("filter-stage");
  var status = document.getElementById("filter-status");
  var folder = document.getElementById("filter-folder");
  var count = document.getElementById("filter-count");
  function key(row, i) {
    var cell = row.cells[i];
    return cell.getAttribute("data-sort") || cell.textContent.trim().toLowerCase();
  }
  function filter() {
    var text = q.value.trim().toLowerCase(), s = stage.value, st = status.value,
      f = folder ? folder.value : "", shown = 0;
    rows.forEach(function (r) {
      var ok = (!text || r.textContent.toLowerCase().indexOf(text) >= 0) &&
        (!s || r.getAttribute("data-stage") === s) &&
        (!st || r.getAttribute("data-status") === st) &&
        (!f || r.getAttribute("data-folder") === f);
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = "Showing " + shown + " of " + rows.length + (rows.length === 1 ? " use" : " uses");
  }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, i) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir);
      rows.sort(function (a, b) {
        var c = key(a, i).localeCompare(key(b, i), undefined, { numeric: true });
        if (c === 0) c = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        return dir === "ascending" ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  [q, stage, status, folder].forEach(function (el) {
    if (!el) return;
    el.addEventListener("input", filter);
    el.addEventListener("change", filter);
  });
  var print = document.getElementById("print");
  if (print) print.addEventListener("click", function () { window.print(); });
  filter();
})();
