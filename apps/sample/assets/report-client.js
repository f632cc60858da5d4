// Draws report.html's charts from the JSON embedded in the page. Plain browser JavaScript, inlined
// into the report by src/cli/report.ts after chart.js's UMD build (the global `Chart`).
(function () {
  'use strict';
  const report = JSON.parse(document.getElementById('report-data').textContent);
  const runs = report.runs;
  const palette = ['#5b6475', '#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#ff7f0e', '#17becf', '#8c564b'];
  const colorOf = (run) => palette[runs.indexOf(run) % palette.length];
  const termColors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const byId = (id) => runs.find((r) => r.config.id === id);
  const epochs = (run) => (run.history.loss || []).map((_, i) => i + 1);
  const longest = runs.reduce((n, r) => Math.max(n, epochs(r).length), 0);
  const epochLabels = Array.from({ length: longest }, (_, i) => i + 1);

  Chart.defaults.animation = false;
  Chart.defaults.font.size = 11;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
  Chart.defaults.elements.point.radius = 0;
  Chart.defaults.elements.line.borderWidth = 1.8;
  Chart.defaults.maintainAspectRatio = false;

  const epochAxis = { title: { display: true, text: 'epoch' }, ticks: { maxTicksLimit: 10 } };
  const charts = [];
  const draw = (canvas, config) => charts.push(new Chart(canvas, config));

  // One logarithmic scale for every loss panel, so the panels compare at a glance.
  const lossValues = runs.flatMap((r) => [...(r.history.data_loss || []), ...(r.history.val_data_loss || []), ...(r.history.loss || [])]).filter((v) => v > 0);
  const lossMin = Math.pow(10, Math.floor(Math.log10(Math.min(...lossValues))));
  const lossMax = Math.pow(10, Math.ceil(Math.log10(Math.max(...lossValues))));
  const accMin = Math.floor(10 * Math.min(...runs.flatMap((r) => [...(r.history.accuracy || []), ...(r.history.val_accuracy || [])]))) / 10;

  const perRun = {
    loss(canvas, run) {
      const datasets = [
        { label: 'train data loss', data: run.history.data_loss, borderColor: '#1f77b4' },
        { label: 'validation data loss', data: run.history.val_data_loss, borderColor: '#d62728', borderDash: [6, 3] },
      ];
      if ((run.history.penalty || []).some((v) => v > 0)) {
        datasets.push({ label: 'train total loss', data: run.history.loss, borderColor: '#5b6475', borderDash: [2, 3] });
      }
      draw(canvas, {
        type: 'line',
        data: { labels: epochs(run), datasets },
        options: { scales: { x: epochAxis, y: { type: 'logarithmic', min: lossMin, max: lossMax, title: { display: true, text: 'loss' } } } },
      });
    },
    accuracy(canvas, run) {
      draw(canvas, {
        type: 'line',
        data: {
          labels: epochs(run),
          datasets: [
            { label: 'train accuracy', data: run.history.accuracy, borderColor: '#1f77b4' },
            { label: 'validation accuracy', data: run.history.val_accuracy, borderColor: '#d62728', borderDash: [6, 3] },
          ],
        },
        options: { scales: { x: epochAxis, y: { min: accMin, max: 1, title: { display: true, text: 'accuracy' } } } },
      });
    },
    penalties(canvas, run) {
      const terms = Object.keys(run.history).filter((k) => k.startsWith('penalty/'));
      const datasets = [
        { label: 'data_loss', data: run.history.data_loss, borderColor: '#5b6475', backgroundColor: 'rgba(91,100,117,0.25)', fill: 'origin' },
        ...terms.map((k, i) => ({
          label: k,
          data: run.history[k],
          borderColor: termColors[i % termColors.length],
          backgroundColor: termColors[i % termColors.length] + '55',
          fill: '-1',
        })),
      ];
      draw(canvas, {
        type: 'line',
        data: { labels: epochs(run), datasets },
        options: { scales: { x: epochAxis, y: { stacked: true, min: 0, title: { display: true, text: 'training loss, stacked' } } } },
      });
    },
  };

  const everyRun = (series, options) => ({
    type: 'line',
    data: {
      labels: epochLabels,
      datasets: runs.map((r) => ({ label: r.config.label, data: series(r), borderColor: colorOf(r), backgroundColor: colorOf(r) })),
    },
    options: { scales: { x: epochAxis, y: options } },
  });

  const overall = {
    gap(canvas) {
      draw(canvas, everyRun((r) => r.history.accuracy.map((a, i) => a - r.history.val_accuracy[i]), { title: { display: true, text: 'train - validation accuracy' } }));
    },
    'val-loss'(canvas) {
      draw(canvas, everyRun((r) => r.history.val_data_loss, { title: { display: true, text: 'validation data loss' } }));
    },
    sparsity(canvas) {
      draw(canvas, everyRun((r) => r.trace.nearZero, { min: 0, max: 1, title: { display: true, text: 'fraction near zero' } }));
    },
    norm(canvas) {
      draw(canvas, everyRun((r) => r.trace.kernelL2, { min: 0, title: { display: true, text: 'L2 norm of the kernels' } }));
    },
    histogram(canvas) {
      const { edges } = runs[0].histogram;
      const centers = edges.slice(0, -1).map((e, i) => ((e + edges[i + 1]) / 2).toFixed(3));
      // L1 against L2 in front; the other configurations can be switched on in the legend.
      const shown = ['layer-l1', 'layer-l2', 'none'];
      draw(canvas, {
        type: 'line',
        data: {
          labels: centers,
          datasets: runs.map((r) => ({
            label: `${r.config.label}: ${(100 * r.kernels.nearZero).toFixed(1)}% near 0`,
            data: r.histogram.counts.map((c) => (c > 0 ? c : null)),
            borderColor: colorOf(r),
            backgroundColor: colorOf(r),
            stepped: 'middle',
            spanGaps: false,
            hidden: byId('layer-l1') && byId('layer-l2') ? !shown.includes(r.config.id) : false,
          })),
        },
        options: {
          scales: {
            x: { title: { display: true, text: 'weight value' }, ticks: { maxTicksLimit: 11 } },
            y: { type: 'logarithmic', min: 1, title: { display: true, text: 'weights per bin' } },
          },
        },
      });
    },
  };

  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const kind = canvas.dataset.chart;
    const run = byId(canvas.dataset.run);
    if (run && perRun[kind]) perRun[kind](canvas, run);
    else if (overall[kind]) overall[kind](canvas);
  }
  // For tests and for readers of the page: how many charts were drawn, and how many points they hold.
  window.reportCharts = charts;
  document.documentElement.dataset.charts = String(charts.length);
  document.documentElement.dataset.points = String(
    charts.reduce((n, c) => n + c.data.datasets.reduce((m, d) => m + d.data.filter((v) => v !== null && v !== undefined).length, 0), 0),
  );
})();
