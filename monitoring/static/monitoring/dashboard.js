// Draws each <canvas data-chart> from the same tables the page shows under "Show the numbers",
// in the page's language (<html lang>): numbers and dates as the locale writes them (id: 1.200 and 44,0),
// every value axis from zero, and long category labels wrapped (horizontal bars for long lists of names).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("charts-data").textContent);
  var locale = document.documentElement.lang || "id";
  var colours = ["#0a58ca", "#198754", "#d35400", "#6f42c1", "#d63384", "#6c757d"];
  var isoDay = /^\d{4}-\d{2}-\d{2}$/;
  var dayFormat = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

  // Split a label into lines of at most `width` characters at spaces; Chart.js draws an array as lines.
  function wrap(label, width) {
    var words = String(label).split(/\s+/), lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.length > 1 ? lines : lines[0] || "";
  }

  function label(value, width) {
    if (isoDay.test(value)) { return dayFormat.format(new Date(value + "T00:00:00Z")); }
    return wrap(value, width);
  }

  if (typeof Chart !== "undefined") {
    Chart.defaults.locale = locale;
    Chart.defaults.font.size = 12;
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var table = data[canvas.dataset.chart];
    if (!table || typeof Chart === "undefined") { return; }
    var horizontal = canvas.dataset.orientation === "horizontal";
    var cols = canvas.dataset.cols.split(",").map(Number);
    var datasets = cols.map(function (col, i) {
      return {
        label: table.headers[col],
        data: table.rows.map(function (row) { return row[col]; }),
        backgroundColor: colours[i % colours.length],
        borderColor: colours[i % colours.length],
        pointRadius: 0,
        tension: 0.1
      };
    });
    var labels = table.labels.map(function (l) { return label(l, horizontal ? 22 : 14); });
    if (horizontal) {
      // One band per category, tall enough for its wrapped label and its bars.
      var lines = labels.reduce(function (n, l) { return n + (Array.isArray(l) ? l.length : 1); }, 0);
      var height = Math.max(240, 70 + Math.max(lines * 15, labels.length * (datasets.length * 12 + 12)));
      canvas.parentElement.style.height = height + "px";
    }
    var value = horizontal ? "x" : "y", category = horizontal ? "y" : "x";
    var scales = {};
    scales[value] = { beginAtZero: true, ticks: { precision: 0 } };
    scales[category] = { ticks: { autoSkip: !horizontal, autoSkipPadding: 16, maxRotation: 0 } };
    canvas._chart = new Chart(canvas, {
      type: canvas.dataset.type,
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: locale,
        scales: scales,
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
  document.body.dataset.chartsReady = "1";
})();
