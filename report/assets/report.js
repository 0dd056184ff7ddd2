(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg"; // the SVG namespace's name, not an address to fetch
  var data = JSON.parse(document.getElementById("sigrun-timeline").textContent);
  var box = document.getElementById("timeline");

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  // fmt writes a duration; step, when given, is the precision wanted.
  function fmt(ms, step) {
    var dec = function (v, unit) {
      var d = step === undefined ? (v < 10 ? 1 : 0) : Math.max(0, Math.min(3, -Math.floor(Math.log10(step / unit) + 1e-9)));
      return String(Number(v.toFixed(d)));
    };
    if (ms === 0) { return step === undefined ? "0ms" : "0"; }
    if (ms < 1) { return dec(ms * 1000, 0.001) + "µs"; }
    if (ms < 1000) { return dec(ms, 1) + "ms"; }
    if (ms < 60000) { return dec(ms / 1000, 1000) + "s"; }
    return Math.floor(ms / 60000) + "m" + Math.round((ms % 60000) / 1000) + "s";
  }
  function trunc(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  var reqs = data.requests;
  // Where each bar goes: a request that ran from its start; one that did
  // not run where the last of the requests it waited for ended.
  var byBlock = {};
  reqs.forEach(function (r) { (byBlock[r.block] = byBlock[r.block] || []).push(r); });
  function endOf(r) { return r.start === null ? null : r.start + r.dur; }
  var span = data.duration_ms || 0;
  reqs.forEach(function (r) { if (r.start !== null) { span = Math.max(span, r.start + r.dur); } });
  reqs.forEach(function (r) {
    if (r.start !== null) { r.x0 = r.start; r.x1 = r.start + r.dur; return; }
    var at = 0;
    r.deps.forEach(function (d) { (byBlock[d] || []).forEach(function (o) { var e = endOf(o); if (e !== null) { at = Math.max(at, e); } }); });
    r.x0 = at; r.x1 = at;
  });
  if (span <= 0) { span = 1; }
  var rows = reqs.slice().sort(function (a, b) {
    var ra = a.start === null ? 1 : 0, rb = b.start === null ? 1 : 0;
    if (ra !== rb) { return ra - rb; }
    if (a.x0 !== b.x0) { return a.x0 - b.x0; }
    return a.i - b.i;
  });

  var labelW = 230, rowH = 20, top = 58, pad = 14;
  var width = Math.max(760, (box.clientWidth || 1100) - 2);
  var chartW = width - labelW - pad * 2;
  var height = top + rows.length * rowH + 10;
  function x(ms) { return labelW + pad + (ms / span) * chartW; }

  var svg = el("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img",
    "aria-label": "Timeline of the run: " + reqs.length + " requests over " + fmt(span) });

  // The time axis.
  var step = Math.pow(10, Math.floor(Math.log10(span / 8)));
  [1, 2, 5, 10].some(function (m) { if (span / (step * m) <= 10) { step = step * m; return true; } return false; });
  var axis = el("g", { "class": "axis" }, svg);
  for (var t = 0; t <= span + 1e-9; t += step) {
    el("line", { "class": "grid", x1: x(t), x2: x(t), y1: 14, y2: height - 6 }, axis);
    var nearEnd = x(t) > width - 50;
    el("text", { x: nearEnd ? x(t) - 2 : x(t) + 2, y: 11, "text-anchor": nearEnd ? "end" : "start" }, axis).textContent = fmt(t, step);
  }

  // Requests in flight over time: the run's parallelism.
  var evs = [];
  reqs.forEach(function (r) { if (r.start !== null) { evs.push([r.x0, 1], [r.x1, -1]); } });
  evs.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
  var peak = 0, cur = 0;
  evs.forEach(function (e) { cur += e[1]; peak = Math.max(peak, cur); });
  var conc = el("g", { "class": "concurrency" }, svg);
  el("text", { x: 4, y: 38 }, conc).textContent = "in flight (max " + peak + ")";
  cur = 0;
  for (var i = 0; i < evs.length; i++) {
    cur += evs[i][1];
    var next = i + 1 < evs.length ? evs[i + 1][0] : evs[i][0];
    if (cur > 0 && next > evs[i][0] && peak > 0) {
      var h = 24 * cur / peak;
      var c = el("rect", { "class": "conc", x: x(evs[i][0]), y: 44 - h, width: Math.max(0.5, x(next) - x(evs[i][0])), height: h }, conc);
      el("title", {}, c).textContent = cur + " in flight";
    }
  }

  var deps = el("g", { "class": "deps" }, svg);
  var bars = el("g", { "class": "bars" }, svg);
  var rowOf = {};
  rows.forEach(function (r, n) { rowOf[r.i] = n; });
  function y(r) { return top + rowOf[r.i] * rowH; }

  // Lines from the end of what a request waited for to its start.
  var lines = {};
  reqs.forEach(function (r) {
    r.deps.forEach(function (d) {
      var from = null;
      (byBlock[d] || []).forEach(function (o) { if (from === null || o.x1 > from.x1) { from = o; } });
      if (!from) { return; }
      var x1 = x(from.x1), y1 = y(from) + rowH / 2, x2 = x(r.x0), y2 = y(r) + rowH / 2, mx = Math.max(x1 + 6, (x1 + x2) / 2);
      var p = el("path", { "class": "dep", d: "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2,
        "data-from": from.i, "data-to": r.i }, deps);
      (lines[r.i] = lines[r.i] || []).push(p);
      (lines[from.i] = lines[from.i] || []).push(p);
    });
  });

  rows.forEach(function (r) {
    var g = el("g", { "class": "bar " + r.outcome, "data-index": r.i, "data-name": r.name }, bars);
    el("rect", { "class": "row", x: 0, y: y(r), width: width, height: rowH }, g);
    el("text", { x: 8, y: y(r) + 14 }, g).textContent = trunc(r.name, 30);
    var w = r.start === null ? 6 : Math.max(2, x(r.x1) - x(r.x0));
    el("rect", { "class": "span", x: x(r.x0), y: y(r) + 4, width: w, height: rowH - 8 }, g);
    var label = r.start === null ? r.outcome.replace("_", " ") : fmt(r.dur);
    var lx = x(r.x0) + w + 4;
    var anchor = "start";
    if (lx > width - 60) { lx = x(r.x0) - 4; anchor = "end"; }
    el("text", { x: lx, y: y(r) + 14, "text-anchor": anchor, "class": "dur" }, g).textContent = label;
    var tip = r.name + " — " + r.outcome.replace("_", " ");
    if (r.method) { tip += "\n" + r.method + " " + r.path + (r.status ? "  " + r.status : ""); }
    if (r.start !== null) { tip += "\nstarted at " + fmt(r.start) + ", took " + fmt(r.dur); }
    if (r.deps.length) { tip += "\nwaited for " + r.deps.join(", "); }
    el("title", {}, g).textContent = tip;
    g.addEventListener("mouseenter", function () { g.classList.add("hl"); (lines[r.i] || []).forEach(function (p) { p.classList.add("hl"); }); });
    g.addEventListener("mouseleave", function () { g.classList.remove("hl"); (lines[r.i] || []).forEach(function (p) { p.classList.remove("hl"); }); });
    g.addEventListener("click", function () {
      var d = document.getElementById("req-" + r.i);
      if (!d) { return; }
      d.open = true;
      d.scrollIntoView({ behavior: "smooth", block: "start" });
      d.classList.add("flash");
      setTimeout(function () { d.classList.remove("flash"); }, 1200);
    });
  });

  box.textContent = "";
  box.appendChild(svg);
  box.setAttribute("data-bars", String(rows.length));

  // Filters.
  var buttons = document.querySelectorAll(".filters button");
  Array.prototype.forEach.call(buttons, function (b) {
    b.addEventListener("click", function () {
      Array.prototype.forEach.call(buttons, function (o) { o.classList.toggle("on", o === b); });
      document.body.setAttribute("data-filter", b.getAttribute("data-filter"));
    });
  });
  // Links to a block open its first instance.
  Array.prototype.forEach.call(document.querySelectorAll("a[href^='#block-']"), function (a) {
    a.addEventListener("click", function (ev) {
      var name = decodeURIComponent(a.getAttribute("href").slice(7));
      var first = (byBlock[name] || [])[0];
      if (!first) { return; }
      ev.preventDefault();
      var d = document.getElementById("req-" + first.i);
      d.open = true;
      d.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });
})();
