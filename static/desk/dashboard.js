// Draws the dashboard's charts with Chart.js from the JSON the page carries (#desk-charts).
// Every chart's numbers are also in the table beside it, which is what screen readers use.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("desk-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  for (const spec of JSON.parse(source.textContent)) {
    const canvas = document.getElementById(`desk-chart-${spec.id}`);
    if (!canvas) {
      continue;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.datasets.length > 1 } },
        scales: {
          x: { stacked: spec.stacked },
          y: {
            stacked: spec.stacked,
            beginAtZero: true,
            ticks: spec.integer ? { precision: 0 } : {},
          },
        },
      },
    });
  }
});
