// The fleet page of `audit --html`: Chart.js draws the counts the page's data holds; the repository table
// filters by text and verdict (rows are shown or hidden, never rebuilt).
(function () {
  "use strict";
  var charts = window.licenseCheckData().charts;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  function short(label) { return label.length > 34 ? label.slice(0, 33) + "\u2026" : label; }
  function bar(id, title, series, colour) {  // horizontal: license names are long; the tooltip has the whole name
    return new Chart(document.getElementById(id), {
      type: "bar",
      data: {labels: series.labels, datasets: [{label: title, data: series.values, backgroundColor: colour}]},
      options: {indexAxis: "y", plugins: {title: {display: true, text: title}, legend: {display: false}},
        scales: {x: {ticks: {precision: 0}}, y: {ticks: {autoSkip: false, callback: function (value) {
          return short(this.getLabelForValue(value));
        }}}}}
    });
  }
  var drawn = [];
  drawn.push(new Chart(document.getElementById("chart-verdicts"), {
    type: "doughnut",
    data: {labels: charts.verdicts.labels,
      datasets: [{data: charts.verdicts.values, backgroundColor: charts.verdicts.colours}]},
    options: {plugins: {title: {display: true, text: "Verdicts"}}}
  }));
  drawn.push(bar("chart-blocking", "Licenses that block most often (repositories)", charts.blocking, "#cf222e"));
  drawn.push(bar("chart-licenses", "Component licenses (components)", charts.licenses, "#0969da"));
  drawn.push(new Chart(document.getElementById("chart-kinds"), {
    type: "bar",
    data: {labels: charts.kinds.labels, datasets: charts.kinds.uses.map(function (use, i) {
      return {label: use, data: charts.kinds.values[i], backgroundColor: charts.kinds.colours[i]};
    })},
    options: {plugins: {title: {display: true, text: "Commercial use by component kind"}},
      scales: {x: {stacked: true}, y: {stacked: true, ticks: {precision: 0}}}}
  }));

  var text = document.getElementById("filter-text");
  var verdict = document.getElementById("filter-verdict");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#repositories tbody tr"));
  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var want = verdict.value;
    var shown = 0;
    rows.forEach(function (row) {
      var hay = row.getAttribute("data-search") || "";
      var ok = (!want || row.getAttribute("data-verdict") === want) &&
        words.every(function (w) { return hay.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length;
  }
  // The filters live in the address too (audit.html#verdict=fail&q=cc-by-nc), so a filtered view can be shared.
  var given = new URLSearchParams(window.location.hash.slice(1));
  text.value = given.get("q") || "";
  verdict.value = given.get("verdict") || "";
  function remember() {
    var params = new URLSearchParams();
    if (text.value) { params.set("q", text.value); }
    if (verdict.value) { params.set("verdict", verdict.value); }
    history.replaceState(null, "", params.toString() ? "#" + params.toString() : window.location.pathname);
  }
  text.addEventListener("input", function () { apply(); remember(); });
  verdict.addEventListener("change", function () { apply(); remember(); });
  apply();
  document.documentElement.setAttribute("data-charts", String(drawn.length));
  window.licenseCheckReady();
})();
