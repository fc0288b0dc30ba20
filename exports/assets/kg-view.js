/* hospital-kg graph page: reads the JSON block #kg-data, draws it with
 * vis-network and wires search, filters and the evidence panel.
 *
 * Every string from the data is put into the page with textContent or a
 * DOM property (never innerHTML), so labels holding markup such as a closing
 * script tag or an img with onerror stay inert text. vis-network draws labels
 * on a canvas and renders a string `title` as plain text, so neither is
 * escaped again here.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var style = data.style;
  var ATTRS = [
    ["aliases", "别名 Aliases"], ["titles", "职务 Posts"], ["year", "年份 Year"],
    ["value", "数值 Value"], ["from", "原值 From"], ["approx", "约数 Approximate"],
    ["recipient", "获奖单位 Recipient unit"], ["level", "级别 Level"],
    ["counts", "关联 Linked"], ["docs", "来源文档 Sources"]
  ];

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var incident = {};
  data.edges.forEach(function (e, i) {
    e.id = "e" + i;
    (incident[e.from] = incident[e.from] || []).push(e);
    (incident[e.to] = incident[e.to] || []).push(e);
  });

  function classLabel(cls) { return style.classes[cls] ? style.classes[cls].label : cls; }
  function relStyle(rel) { return style.relations[rel] || { label: rel, title: rel, color: "#888" }; }

  // vis items hold only what vis needs; the full records stay in byId.
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var c = style.classes[n.cls] || { color: "#888", shape: "dot" };
    return {
      // Long labels (a mis-cut sentence) are shortened on the canvas only; tooltip and panel keep them whole.
      id: n.id, label: n.label.length > 24 ? n.label.slice(0, 23) + "\u2026" : n.label,
      title: n.label + "\n" + classLabel(n.cls),
      shape: c.shape, size: n.size, borderWidth: n.focus ? 4 : 1,
      color: { background: c.color, border: n.focus ? "#000" : c.color,
               highlight: { background: c.color, border: "#000" } },
      font: { face: style.font, size: n.cls === "Hospital" ? 16 : 13 }
    };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var r = relStyle(e.rel);
    return {
      id: e.id, from: e.from, to: e.to, label: data.edgeLabels ? r.label : undefined,
      title: r.title, arrows: "to", color: { color: r.color, highlight: "#000" },
      font: { face: style.font, size: 11, align: "middle" }
    };
  }));

  var classOn = {}, relOn = {}, docOn = "";
  Object.keys(style.classes).forEach(function (k) { classOn[k] = true; });
  Object.keys(style.relations).forEach(function (k) { relOn[k] = true; });
  function hasDoc(list) { return docOn === "" || list.indexOf(Number(docOn)) >= 0; }
  var nodeView = new vis.DataView(nodes, { filter: function (item) {
    var n = byId[item.id];
    return classOn[n.cls] !== false && hasDoc(n.docs || []);
  } });
  var edgeView = new vis.DataView(edges, { filter: function (item) {
    var e = data.edges[Number(item.id.slice(1))];
    return relOn[e.rel] !== false && hasDoc(e.docs || []);
  } });

  var container = document.getElementById("kg-graph");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, {
    autoResize: true,
    layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 150 },
    physics: {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 110, avoidOverlap: 0.4 },
      stabilization: { enabled: true, iterations: data.stabilization, updateInterval: 50, fit: true }
    },
    interaction: { hover: true, tooltipDelay: 150 },
    edges: { smooth: data.nodes.length <= 300 ? { type: "continuous" } : false }
  });

  var api = window.kgView = { data: data, network: network, nodes: nodes, edges: edges,
                              nodeView: nodeView, edgeView: edgeView, ready: false };
  function settled() {
    // Physics off once the layout has settled: a big graph would keep the CPU busy forever.
    network.setOptions({ physics: false });
    api.ready = true;
    if (data.focus && byId[data.focus]) {
      // A hospital page opens with its hospital selected and the whole neighbourhood in view.
      showNode(data.focus);
      network.selectNodes([data.focus]);
      // The panel just narrowed the canvas: resize it now, then fit, or the graph sits off-centre.
      network.setSize("100%", "100%");
      network.fit();
    }
  }
  network.once("stabilizationIterationsDone", settled);
  if (data.nodes.length === 0) { settled(); }

  // ---- panel ---------------------------------------------------------
  var panel = document.getElementById("kg-panel");
  function docName(i) { var d = data.docs[i]; return d ? d.file : "?"; }

  function nodeButton(id) {
    var n = byId[id];
    var b = el("button", n ? n.label : id, "kg-link");
    b.type = "button";
    b.addEventListener("click", function () { select(id, true); });
    return b;
  }

  // seen: evidence already shown in this panel (one sentence often supports
  // several relations); repeats show only their source line.
  function evidenceList(e, seen) {
    var ul = el("ul", null, "kg-evidence");
    (e.ev || []).forEach(function (ev) {
      var li = el("li");
      var where = docName(ev[0]) + " [" + ev[1] + "\u2013" + ev[2] + ")";
      var key = ev.slice(0, 3).join(":");
      if (seen && seen[key]) {
        li.appendChild(el("cite", "同上句 same sentence as above: " + where, "kg-repeat"));
      } else {
        var q = el("blockquote", ev[3]);
        q.appendChild(el("cite", where));
        li.appendChild(q);
        if (seen) { seen[key] = true; }
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function attrValue(n, key) {
    var v = n[key];
    if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) { return null; }
    if (key === "docs") { return v.map(docName).join("、"); }
    if (key === "value" || key === "from") { return v + (n.unit ? " " + n.unit : ""); }
    if (key === "approx") { return v ? "是 yes" : null; }
    if (key === "counts") {
      return Object.keys(v).sort().map(function (k) { return classLabel(k) + " " + v[k]; }).join("，");
    }
    return Array.isArray(v) ? v.join("、") : String(v);
  }

  function openPanel(title, subtitle) {
    panel.textContent = "";
    var close = el("button", "\u00d7", "kg-close");
    close.type = "button";
    close.setAttribute("aria-label", "关闭 Close");
    close.addEventListener("click", function () { panel.hidden = true; network.unselectAll(); });
    panel.appendChild(close);
    panel.appendChild(el("h2", title));
    panel.appendChild(el("div", subtitle, "kg-class"));
    panel.hidden = false;
  }

  function showNode(id) {
    var n = byId[id];
    openPanel(n.label, classLabel(n.cls));
    panel.setAttribute("data-node", id);
    var dl = el("dl");
    ATTRS.forEach(function (a) {
      var v = attrValue(n, a[0]);
      if (v !== null) { dl.appendChild(el("dt", a[1])); dl.appendChild(el("dd", v)); }
    });
    panel.appendChild(dl);
    if (n.page && id !== data.focus) {
      var a = el("a", "打开医院页面 Open hospital page");
      a.href = data.pageBase + n.page + ".html";
      panel.appendChild(a);
    }
    var list = incident[id] || [];
    panel.appendChild(el("h3", "关系与证据 Relations and evidence (" + list.length + ")"));
    var ul = el("ul");
    var seen = {};
    list.forEach(function (e) {
      var li = el("li", null, "kg-rel");
      var out = e.from === id;
      li.appendChild(el("span", (out ? "" : "\u2190 ") + relStyle(e.rel).title + (out ? " \u2192 " : " ")));
      li.appendChild(nodeButton(out ? e.to : e.from));
      li.appendChild(evidenceList(e, seen));
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }

  function showEdge(eid) {
    var e = data.edges[Number(eid.slice(1))];
    openPanel(relStyle(e.rel).title, "关系 Relation");
    panel.setAttribute("data-edge", eid);
    var p = el("p");
    p.appendChild(nodeButton(e.from));
    p.appendChild(el("span", " \u2192 "));
    p.appendChild(nodeButton(e.to));
    panel.appendChild(p);
    panel.appendChild(el("h3", "证据 Evidence (" + (e.ev || []).length + ")"));
    panel.appendChild(evidenceList(e, null));
  }

  function select(id, animate) {
    if (!nodeView.get(id)) { resetFilters(); }
    showNode(id);  // first, so the focus below centres in the canvas left beside the panel
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: animate ? { duration: 400 } : false });
  }
  api.select = select;

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !panel.hidden) { panel.hidden = true; network.unselectAll(); }
  });

  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
  });

  // ---- search --------------------------------------------------------
  var names = document.getElementById("kg-names");
  var seen = {};
  data.nodes.forEach(function (n) {
    [n.label].concat(n.aliases || []).forEach(function (s) {
      if (!seen[s]) { seen[s] = true; var o = el("option"); o.value = s; names.appendChild(o); }
    });
  });
  function find(q) {
    q = q.trim().toLowerCase();
    if (!q) { return null; }
    var exact = null, partial = null;
    data.nodes.forEach(function (n) {
      var all = [n.label].concat(n.aliases || []).map(function (s) { return s.toLowerCase(); });
      if (!exact && all.indexOf(q) >= 0) { exact = n.id; }
      if (!partial && all.some(function (s) { return s.indexOf(q) >= 0; })) { partial = n.id; }
    });
    return exact || partial;
  }
  var status = document.getElementById("kg-status");
  document.getElementById("kg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var id = find(document.getElementById("kg-search").value);
    status.textContent = id ? "" : "未找到 Not found";
    if (id) { select(id, true); }
  });

  // ---- filters and legend --------------------------------------------
  function checkbox(parent, glyph, color, text, on, change) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = on;
    box.addEventListener("change", function () { change(box.checked); });
    var g = el("span", glyph, "kg-glyph");
    g.style.color = color;
    label.appendChild(box);
    label.appendChild(g);
    label.appendChild(document.createTextNode(text));
    parent.appendChild(label);
    return box;
  }
  var countBy = function (list, key) {
    var c = {};
    list.forEach(function (x) { c[x[key]] = (c[x[key]] || 0) + 1; });
    return c;
  };
  var nodeCounts = countBy(data.nodes, "cls"), relCounts = countBy(data.edges, "rel");
  var boxes = [];
  Object.keys(style.classes).forEach(function (k) {
    if (!nodeCounts[k]) { return; }
    var c = style.classes[k];
    boxes.push(checkbox(document.getElementById("kg-class-filter"), c.glyph, c.color,
      c.label + " (" + nodeCounts[k] + ")", true,
      function (on) { classOn[k] = on; nodeView.refresh(); }));
  });
  Object.keys(style.relations).forEach(function (k) {
    if (!relCounts[k]) { return; }
    var r = style.relations[k];
    boxes.push(checkbox(document.getElementById("kg-rel-filter"), "\u2014", r.color,
      r.title + " (" + relCounts[k] + ")", true,
      function (on) { relOn[k] = on; edgeView.refresh(); }));
  });
  var docSelect = document.getElementById("kg-doc-filter");
  data.docs.forEach(function (d, i) {
    var o = el("option", d.title ? d.file + " \u00b7 " + d.title : d.file);
    o.value = String(i);
    docSelect.appendChild(o);
  });
  docSelect.addEventListener("change", function () {
    docOn = docSelect.value;
    nodeView.refresh();
    edgeView.refresh();
  });
  function resetFilters() {
    Object.keys(classOn).forEach(function (k) { classOn[k] = true; });
    Object.keys(relOn).forEach(function (k) { relOn[k] = true; });
    boxes.forEach(function (b) { b.checked = true; });
    docOn = "";
    docSelect.value = "";
    nodeView.refresh();
    edgeView.refresh();
  }
}());
