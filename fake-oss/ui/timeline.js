// The request timeline, shared by oss-scenario's run reports and fake-oss's /_fake/ui: one
// renderer, embedded into both at build time (cmake/OssupEmbed.cmake). No dependencies.
//
// OssupTimeline.render(container, model) replaces the container's content with a legend, an
// SVG of lanes (client events; one lane per part number, one for the other requests; the
// server lane with its faults and events) and a table of every request. The model:
//   entries:   the fake's journal entries as GET /_fake/journal gives them
//   events:    optional, client events [{us, step, kind, text}] on the journal's clock
//   steps:     optional, [{index, name, server, startUs, endUs, arrivalBegin, arrivalEnd}]
//   truncated: optional, how many journal entries were left out
"use strict";
var OssupTimeline = (function () {
  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 1100, LABEL = 120, LANE = 20, TOP = 16, MAX_PART_LANES = 32;

  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // What a fired fault did to its request, in words.
  function faultText(fault) {
    switch (fault.action) {
      case "error": return "error " + fault.status + " " + fault.code;
      case "reset": return "reset at byte " + (fault.afterBytes || 0);
      case "drop-response": return "response dropped after commit";
      case "truncate-response": return "response truncated at byte " + (fault.afterBytes || 0);
      case "stall": return "stall " + fault.ms + " ms at byte " + (fault.afterBytes || 0);
      case "expire-upload": return "upload expired";
      case "restart": return "server restart";
      case "corrupt-checksum": return "CRC-64 corrupted in the answer";
      case "corrupt-etag": return "ETag corrupted in the answer";
    }
    return fault.action;
  }

  function statusClass(status) {
    if (status === 0) return "status-none";
    return status < 300 ? "status-ok" : "status-error";
  }

  function statusColour(entry) {
    if (entry.status === 0) return "#8c959f";
    if (entry.status < 300) return "#2da44e";
    if (entry.status < 500) return "#d4a72c";
    return "#e16f24";
  }

  function stepOf(entry, steps) {
    for (var i = 0; i < steps.length; i++) {
      var s = steps[i];
      if (entry.arrival > s.arrivalBegin && entry.arrival <= s.arrivalEnd) return s;
    }
    return null;
  }

  // Marks each entry that repeats an earlier request of the same step, operation, upload and
  // part: a retry (with the wait since the earlier one ended) or a re-send.
  function markRetries(entries, steps) {
    var last = {};
    entries.forEach(function (e) {
      var step = stepOf(e, steps);
      var key = [step ? step.index : "", e.operation, e.uploadId || "", e.partNumber].join("|");
      var before = last[key];
      if (before) {
        e.attempt = (before.attempt || 1) + 1;
        e.retryOfFailure = !(before.status >= 200 && before.status < 300);
        e.waitMs = (e.arrivedUs - (before.arrivedUs + before.latencyUs)) / 1000;
      }
      last[key] = e;
      e.step = step;
    });
  }

  function retryText(e) {
    if (!e.attempt) return "";
    var what = e.retryOfFailure ? "retry, attempt " + e.attempt : "re-sent (attempt " + e.attempt + ")";
    if (e.arrivedUs && e.waitMs >= 0) what += ", waited " + e.waitMs.toFixed(1) + " ms";
    return what;
  }

  function laneOf(entry, partLaneWidth) {
    if (entry.partNumber === null || entry.partNumber === undefined) return "requests";
    if (partLaneWidth <= 1) return "part " + entry.partNumber;
    var first = Math.floor((entry.partNumber - 1) / partLaneWidth) * partLaneWidth + 1;
    return "parts " + first + "-" + (first + partLaneWidth - 1);
  }

  function node(parent, name, attributes, text) {
    var n = document.createElementNS(SVG, name);
    for (var a in attributes) n.setAttribute(a, attributes[a]);
    if (text !== undefined) n.textContent = text;
    parent.appendChild(n);
    return n;
  }

  function eventColour(kind) {
    switch (kind) {
      case "checkpoint-write": return "#0969da";
      case "cancel": return "#cf222e";
      case "resume": return "#8250df";
      case "step-end": return "#1d2125";
      case "verdict": return "#1d2125";
      case "progress": return "#8c959f";
      case "step-start": return "#57606a";
    }
    return "#57606a";
  }

  function render(container, model) {
    var entries = (model.entries || []).slice().sort(function (a, b) { return a.arrival - b.arrival; });
    var events = model.events || [];
    var steps = model.steps || [];
    markRetries(entries, steps);
    var timed = entries.length > 0 && entries.every(function (e) { return e.arrivedUs > 0; });

    var parts = {};
    entries.forEach(function (e) { if (e.partNumber != null) parts[e.partNumber] = true; });
    var partCount = Object.keys(parts).length;
    var maxPart = Math.max.apply(null, [0].concat(Object.keys(parts).map(Number)));
    var partLaneWidth = partCount > MAX_PART_LANES ? Math.ceil(maxPart / MAX_PART_LANES) : 1;
    var lanes = events.length ? ["client"] : [];
    var seen = {};
    entries.slice().sort(function (a, b) {
      return (a.partNumber == null ? 0 : a.partNumber) - (b.partNumber == null ? 0 : b.partNumber);
    }).forEach(function (e) {
      var lane = laneOf(e, partLaneWidth);
      if (!seen[lane]) { seen[lane] = true; lanes.push(lane); }
    });
    lanes.push("server");
    var laneY = {};
    lanes.forEach(function (lane, i) { laneY[lane] = TOP + i * LANE; });

    // The time axis: real time when every entry has one, else one slot per arrival.
    var t0 = Infinity, t1 = -Infinity;
    function span(a, b) { if (a > 0) { t0 = Math.min(t0, a); t1 = Math.max(t1, b); } }
    if (timed) {
      entries.forEach(function (e) { span(e.arrivedUs, e.arrivedUs + e.latencyUs); });
      events.forEach(function (e) { span(e.us, e.us); });
      steps.forEach(function (s) { span(s.startUs, s.endUs); });
    } else {
      t0 = 0; t1 = Math.max(1, entries.length);
    }
    if (!(t1 > t0)) { t1 = t0 + 1; }
    var plot = WIDTH - LABEL - 10;
    function x(t) { return LABEL + (t - t0) / (t1 - t0) * plot; }
    function xOfEntry(e, i) { return timed ? x(e.arrivedUs) : x(i); }
    function wOfEntry(e) { return Math.max(3, timed ? e.latencyUs / (t1 - t0) * plot : plot / (t1 - t0) - 1); }

    container.innerHTML = "";
    container.classList.add("ossup-timeline");
    var legend = document.createElement("div");
    legend.className = "legend";
    legend.innerHTML =
      '<span><i class="swatch" style="background:#2da44e"></i>2xx</span>' +
      '<span><i class="swatch" style="background:#d4a72c"></i>4xx</span>' +
      '<span><i class="swatch" style="background:#e16f24"></i>5xx</span>' +
      '<span><i class="swatch" style="background:#8c959f"></i>no answer</span>' +
      '<span class="fault-marker">&#9650; fault fired</span>' +
      '<span style="color:#0969da">| checkpoint write</span>' +
      '<span style="color:#cf222e">| cancel</span>' +
      '<span style="color:#8250df">| resume</span>' +
      '<span class="note">' + (timed ? "x: real time, " + ((t1 - t0) / 1000).toFixed(1) + " ms in all"
                                       : "x: arrival order") + "</span>";
    container.appendChild(legend);

    var height = TOP + lanes.length * LANE + 8;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", WIDTH);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + WIDTH + " " + height);
    container.appendChild(svg);

    if (timed) {
      steps.forEach(function (s, i) {
        if (!(s.startUs > 0)) return;
        var left = x(s.startUs), w = Math.max(1, x(s.endUs) - left);
        node(svg, "rect", { x: left, y: TOP - 2, width: w, height: lanes.length * LANE + 4,
                            fill: i % 2 ? "#f6f8fa" : "#eef6ff" });
        node(svg, "text", { x: left + 2, y: TOP - 5, "class": "step-label" }, "step " + (s.index + 1) + " " + s.name);
      });
    }
    lanes.forEach(function (lane) {
      node(svg, "line", { x1: LABEL, x2: WIDTH - 10, y1: laneY[lane] + LANE / 2, y2: laneY[lane] + LANE / 2,
                          stroke: "#d8dee4" });
      node(svg, "text", { x: 4, y: laneY[lane] + 14, "class": "lane-label" }, lane);
    });

    var faultLabelsRight = 0;
    entries.forEach(function (e, i) {
      var y = laneY[laneOf(e, partLaneWidth)] + 3;
      var left = xOfEntry(e, i), w = wOfEntry(e);
      var rect = node(svg, "rect", { x: left, y: y, width: w, height: LANE - 6, rx: 2, fill: statusColour(e),
                                     stroke: e.attempt && e.retryOfFailure ? "#9a6700" : "none" });
      node(rect, "title", {}, e.operation + (e.partNumber != null ? " part " + e.partNumber : "") +
           " -> " + e.status + (e.errorCode ? " " + e.errorCode : "") + ", " + e.bytes + " bytes" +
           (timed ? ", " + (e.latencyUs / 1000).toFixed(1) + " ms" : "") +
           (e.fault ? ", fault: " + faultText(e.fault) : "") + (e.attempt ? ", " + retryText(e) : ""));
      if (e.fault) {
        var fx = left + w, sy = laneY.server;
        node(svg, "path", { d: "M" + fx + " " + (y + 1) + " l-5 9 h10 z", fill: "#cf222e" });
        node(svg, "line", { x1: fx, x2: fx, y1: y + 10, y2: sy + 4, stroke: "#cf222e", "stroke-dasharray": "2 2" });
        node(svg, "path", { d: "M" + fx + " " + (sy + 3) + " l-5 9 h10 z", fill: "#cf222e" });
        // Labels go right of their marker, after the previous label; one that would leave the
        // plot goes left of its marker instead.
        var text = "\u26a1 " + e.operation + ": " + faultText(e.fault);
        var lx = Math.max(fx + 6, faultLabelsRight), estimate = 6.5 * text.length;
        var anchor = lx + estimate > WIDTH - 4 ? "end" : "start";
        if (anchor === "end") lx = fx - 8;
        node(svg, "text", { x: lx, y: sy + 13, "class": "fault-marker", "font-size": "11", "text-anchor": anchor }, text);
        faultLabelsRight = anchor === "end" ? faultLabelsRight : lx + estimate;
      }
    });
    if (timed) {
      events.forEach(function (ev) {
        if (ev.kind === "progress" && events.length > 400) return;
        var serverStep = ev.kind === "step-start" && ev.step != null && steps[ev.step] && steps[ev.step].server;
        var lane = serverStep ? "server" : "client";
        var ex = x(ev.us), big = ev.kind !== "progress";
        var tick = node(svg, "line", { x1: ex, x2: ex, y1: laneY[lane] + (big ? 2 : 6), y2: laneY[lane] + LANE - (big ? 2 : 6),
                                       stroke: eventColour(ev.kind), "stroke-width": big ? 2 : 1 });
        node(tick, "title", {}, ev.kind + ": " + ev.text);
        // A server event (expire-upload, restart-server, ...) is named where it happened.
        if (serverStep) {
          node(svg, "text", { x: ex + 3, y: laneY.server + 9, "class": "step-label" }, steps[ev.step].name);
        }
      });
    }

    var note = "";
    if (model.truncated) note = '<p class="note">' + model.truncated + " earlier journal entries left out.</p>";
    var rows = entries.map(function (e) {
      return "<tr" + (e.fault ? ' class="faulted"' : "") + "><td>" + e.arrival + "</td><td>" +
        (e.step ? "step " + (e.step.index + 1) : "") + "</td><td>" +
        (timed ? ((e.arrivedUs - t0) / 1000).toFixed(1) : "") + "</td><td>" + escape(e.operation) + "</td><td>" +
        (e.partNumber != null ? e.partNumber : "") + '</td><td class="' + statusClass(e.status) + '">' +
        (e.status === 0 ? "no answer" : e.status) + (e.errorCode ? " " + escape(e.errorCode) : "") + "</td><td>" +
        e.bytes + "</td><td>" + (timed ? (e.latencyUs / 1000).toFixed(1) : "") + "</td><td>" +
        (e.fault ? '<span class="fault-marker">fault: ' + escape(faultText(e.fault)) + "</span> " : "") +
        (e.attempt ? '<span class="retry">' + escape(retryText(e)) + "</span>" : "") + "</td></tr>";
    });
    var table = document.createElement("div");
    table.innerHTML = note + "<table><thead><tr><th>arrival</th><th>step</th><th>at ms</th><th>operation</th>" +
      "<th>part</th><th>status</th><th>bytes</th><th>latency ms</th><th>fault / retry</th></tr></thead><tbody>" +
      rows.join("") + "</tbody></table>";
    container.appendChild(table);

    if (events.length) {
      var list = document.createElement("div");
      list.className = "events";
      list.innerHTML = "<h3>Client events</h3><ol>" + events.map(function (ev) {
        var failing = (ev.kind === "verdict" && ev.text.indexOf("FAIL") === 0) ||
                      (ev.kind === "step-end" && ev.failing);
        return "<li" + (failing ? ' class="failing"' : "") + ">" +
          (timed ? ((ev.us - t0) / 1000).toFixed(1) + " ms " : "") +
          (ev.step != null ? "[step " + (ev.step + 1) + "] " : "") + "<b>" + escape(ev.kind) + "</b> " +
          escape(ev.text) + "</li>";
      }).join("") + "</ol>";
      container.appendChild(list);
    }
  }

  return { render: render, escape: escape, faultText: faultText };
})();
