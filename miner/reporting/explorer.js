/* miner's map explorer: plain JavaScript, no library, nothing fetched.
 * Every element with class "mx-explorer" and data-prefix="P" is an explorer; its ids all start
 * with "P-", so several explorers (report sections, notebook outputs) live on one page.
 * Data: the JSON in #P-data (variants table, levels, deviations); see explorer_data.py.
 * Names are only ever put into the page as text (textContent, setAttribute), never as markup. */
(function () {
  "use strict";
  var WORDS = {
    ru: {ends: {START: "начало", END: "конец"}, cases: ["случай", "случая", "случаев"], steps: ["шаг", "шага", "шагов"], all: "Все случаи",
         path: "Переход", act: "Действие", variant: "Вариант", more: "… и ещё ", copied: "Скопировано: ",
         examples: "Показаны примеры; всего случаев по отклонению: ", partial: "Часть пути на этом уровне скрыта.",
         none: "Нет случаев", old: "Этот браузер слишком старый для интерактивной карты; откройте файл в свежем Chrome, Edge, Firefox или Яндекс Браузере."},
    en: {ends: {START: "start", END: "end"}, cases: ["case", "cases", "cases"], steps: ["step", "steps", "steps"], all: "All cases",
         path: "Path", act: "Activity", variant: "Variant", more: "… and ", copied: "Copied: ",
         examples: "Examples shown; cases with this deviation: ", partial: "Part of the path is hidden at this level.",
         none: "No cases", old: "This browser is too old for the interactive map; open the file in a recent Chrome, Edge, Firefox or Safari."}
  };
  var SHOWN = 50, VARIANTS = 100, SVGNS = "http://www.w3.org/2000/svg";
  var order = new Intl.Collator(undefined, {numeric: true});

  function plural(n, forms, lang) {
    if (lang !== "ru") { return n === 1 ? forms[0] : forms[1]; }
    var d = n % 10, h = n % 100;
    if (d === 1 && h !== 11) { return forms[0]; }
    if (d >= 2 && d <= 4 && (h < 12 || h > 14)) { return forms[1]; }
    return forms[2];
  }
  function num(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009"); }
  function pct(x, lang) {
    var p = 100 * x, s = (p > 0 && p < 10 && Math.round(p) !== p) ? p.toFixed(1) : String(Math.round(p));
    return (lang === "ru" ? s.replace(".", ",") : s) + "\u00a0%";
  }
  function dayOf(value, d0) {
    if (!value) { return null; }
    var parts = value.split("-");
    return Date.UTC(+parts[0], +parts[1] - 1, +parts[2]) / 864e5 - d0;
  }

  function init(root) {
    if (root.getAttribute("data-mx-ready")) { return; }
    var p = root.getAttribute("data-prefix");
    var get = function (name) { return document.getElementById(p + "-" + name); };
    var data = JSON.parse(get("data").textContent);
    root.setAttribute("data-mx-ready", "1");
    var lang = data.lang === "en" ? "en" : "ru", w = WORDS[lang];
    var acts = data.a, index = Object.create(null), i;
    for (i = 0; i < acts.length; i++) { index[acts[i]] = i; }
    var map = get("map"), slider = get("level"), svgs = {}, projected = {}, loading = {};
    svgs[data.start] = map.querySelector("svg");
    loading[data.start] = Promise.resolve(svgs[data.start]);
    if (typeof DecompressionStream === "undefined") {  // a browser before 2023: the static map only
      get("static").textContent = w.old;
      return;
    }
    var state = {level: data.start, sel: null};
    var controls = root.querySelectorAll("[data-mx-hidden]");
    for (i = 0; i < controls.length; i++) { controls[i].hidden = false; }
    if (get("static")) { get("static").hidden = true; }
    var twin = root.getAttribute("data-replaces") && document.getElementById(root.getAttribute("data-replaces"));
    if (twin) { twin.classList.add("mx-replaced"); }  // the same map, static: shown in print only

    function code(name) { return name === "START" ? -1 : name === "END" ? -2 : (name in index ? index[name] : -3); }
    function sequences() {  // variant sequences as the current level sees them
      var level = data.levels[state.level];
      if (!level.proj) { return null; }
      if (!projected[state.level]) {
        var keep = Object.create(null), out = [];
        level.acts.forEach(function (name) { keep[code(name)] = true; });
        data.v.forEach(function (v) { out.push(v[0].filter(function (c) { return keep[c]; })); });
        projected[state.level] = out;
      }
      return projected[state.level];
    }
    function follows(seq, f, t) {
      var prev = -1, k;
      for (k = 0; k < seq.length; k++) { if (prev === f && seq[k] === t) { return true; } prev = seq[k]; }
      return prev === f && t === -2;
    }
    function repeats(seq, a) { return seq.indexOf(a) !== seq.lastIndexOf(a); }
    function ruleTest(rule) {
      var a = code(rule[1]);
      if (rule[0] === "path") { var b = code(rule[2]); return function (s) { return follows(s, a, b); }; }
      if (rule[0] === "has") { return function (s) { return s.indexOf(a) >= 0; }; }
      if (rule[0] === "lacks") { return function (s) { return s.indexOf(a) < 0; }; }
      if (rule[0] === "repeat") { return function (s) { return repeats(s, a); }; }
      return function () { return false; };
    }
    function variantTest(sel) {  // which variants a selection takes, as a function of (variant index)
      var seqs = sequences(), raw = function (v) { return data.v[v][0]; };
      var seq = seqs ? function (v) { return seqs[v]; } : raw;
      if (!sel) { return function () { return true; }; }
      if (sel.k === "e") { var f = code(sel.f), t = code(sel.t); return function (v) { return follows(seq(v), f, t); }; }
      if (sel.k === "n") { var a = code(sel.a); return function (v) { return raw(v).indexOf(a) >= 0; }; }
      if (sel.k === "v") { return function (v) { return v === sel.i; }; }
      var tests = data.devs[sel.i].rules.map(ruleTest);
      return function (v) { return tests.some(function (test) { return test(raw(v)); }); };
    }
    function period() {
      var from = dayOf(get("from").value, data.d0), to = dayOf(get("to").value, data.d0), mode = get("mode").value;
      if (from === null && to === null) { return null; }
      if (from === null) { from = -1e9; }
      if (to === null) { to = 1e9; }
      return function (start, span) {
        var end = start + span;
        if (mode === "end") { return end >= from && end <= to; }
        if (mode === "within") { return start >= from && end <= to; }
        if (mode === "overlap") { return start <= to && end >= from; }
        return start >= from && start <= to;
      };
    }
    function cases(sel) {  // ids of the selected cases in the period, and per-variant counts
      var takes = variantTest(sel), inPeriod = period(), ids = [], perVariant = [];
      data.v.forEach(function (v, k) {
        var n = 0;
        if (takes(k)) {
          for (var c = 0; c < v[1].length; c++) {
            if (!inPeriod || inPeriod(v[2][c], v[3][c])) { ids.push(v[1][c]); n++; }
          }
        }
        perVariant.push(n);
      });
      return {ids: ids, perVariant: perVariant};
    }

    function showList() {
      var sel = state.sel, found = cases(sel), ids = found.ids, dev = sel && sel.k === "d" ? data.devs[sel.i] : null;
      var note = "";
      if (dev && !dev.exact) {
        dev.ex.forEach(function (id) { if (ids.indexOf(id) < 0) { ids.push(id); } });
        note = w.examples + num(dev.cases);
      }
      ids.sort(order.compare);  // З-2 before З-10
      get("count").textContent = String(ids.length);
      get("count-word").textContent = plural(ids.length, w.cases, lang);
      var box = get("cases");
      box.textContent = "";
      ids.slice(0, SHOWN).forEach(function (id) {
        var span = document.createElement("span");
        span.className = "case-id";
        span.textContent = id;
        box.appendChild(span);
      });
      if (!ids.length) { box.textContent = w.none; }
      get("more").textContent = (ids.length > SHOWN ? w.more + num(ids.length - SHOWN) : "") + (note ? " " + note : "");
      get("copied").textContent = "";
      state.ids = ids;
      showVariants();
    }
    function showVariants() {
      var all = cases(null).perVariant, total = all.reduce(function (a, b) { return a + b; }, 0);
      var order = all.map(function (n, k) { return k; }).filter(function (k) { return all[k] > 0; });
      order.sort(function (x, y) { return all[y] - all[x] || x - y; });
      var list = get("variants");
      list.textContent = "";
      order.slice(0, VARIANTS).forEach(function (k) {
        var li = document.createElement("li"), button = document.createElement("button"), steps = data.v[k][0];
        var names = steps.map(function (c) { return acts[c]; }).join(" → ");
        button.type = "button";
        button.setAttribute("data-variant", String(k));
        button.setAttribute("title", names);
        if (state.sel && state.sel.k === "v" && state.sel.i === k) { button.className = "mx-chosen"; }
        var head = document.createElement("b");
        head.textContent = num(all[k]) + " · " + pct(all[k] / Math.max(total, 1), lang) + " · " +
          steps.length + " " + plural(steps.length, w.steps, lang);
        button.appendChild(head);
        button.appendChild(document.createTextNode(" " + names));
        li.appendChild(button);
        list.appendChild(li);
      });
    }

    function mark(el, cls) { el.classList.add(cls); }
    function highlight() {
      var svg = svgs[state.level], sel = state.sel, on = null, partial = false;
      Array.prototype.forEach.call(svg.querySelectorAll(".mx-sel, .mx-on"), function (el) {
        el.classList.remove("mx-sel"); el.classList.remove("mx-on");
      });
      map.classList.toggle("mx-dim", !!sel && (sel.k === "v" || sel.k === "d"));
      var edges = svg.querySelectorAll(".edge"), nodes = svg.querySelectorAll(".node"), markers = svg.querySelectorAll(".marker");
      var pairs = Object.create(null), names = Object.create(null);
      if (sel && sel.k === "v") {
        var seqs = sequences(), seq = seqs ? seqs[sel.i] : data.v[sel.i][0], walk = ["START"];
        seq.forEach(function (c) { walk.push(acts[c]); names[acts[c]] = true; });
        walk.push("END");
        for (var k = 1; k < walk.length; k++) { pairs[walk[k - 1] + "\u0000" + walk[k]] = true; }
        names.START = names.END = true;
        on = "mx-on";
      } else if (sel && sel.k === "d") {
        var dev = data.devs[sel.i];
        dev.paths.forEach(function (pair) { pairs[pair[0] + "\u0000" + pair[1]] = true; names[pair[0]] = names[pair[1]] = true; });
        dev.acts.forEach(function (a) { names[a] = true; });
        on = "mx-on";
      } else if (sel && sel.k === "e") {
        pairs[sel.f + "\u0000" + sel.t] = true;
        on = "mx-sel";
      } else if (sel && sel.k === "n") {
        names[sel.a] = true;
        on = "mx-sel";
      }
      if (!on) { return; }
      var drawn = 0;
      Array.prototype.forEach.call(edges, function (el) {
        if (pairs[el.getAttribute("data-from") + "\u0000" + el.getAttribute("data-to")]) { mark(el, on); drawn++; }
      });
      Array.prototype.forEach.call(nodes, function (el) { if (names[el.getAttribute("data-activity")]) { mark(el, on); } });
      Array.prototype.forEach.call(markers, function (el) { if (names[el.getAttribute("data-marker")]) { mark(el, on); } });
      partial = sel.k === "v" && drawn < Object.keys(pairs).length;
      get("partial").textContent = partial ? w.partial : "";
    }
    function end(name) { return name === "START" || name === "END" ? w.ends[name] : name; }
    function describe() {
      var sel = state.sel, text = w.all;
      if (sel && sel.k === "e") { text = w.path + ": " + end(sel.f) + " → " + end(sel.t); }
      if (sel && sel.k === "n") { text = w.act + ": " + sel.a; }
      if (sel && sel.k === "v") { text = w.variant + " " + (sel.rank + 1); }
      if (sel && sel.k === "d") { text = data.devs[sel.i].id + ": " + data.devs[sel.i].title; }
      get("what").textContent = text;
      if (!sel || sel.k !== "v") { get("partial").textContent = ""; }
    }
    function choose(sel) {
      state.sel = sel;
      describe();
      highlight();
      showList();
      var devs = get("deviations");
      if (devs) {
        Array.prototype.forEach.call(devs.querySelectorAll("button"), function (b) {
          b.classList.toggle("mx-chosen", !!sel && sel.k === "d" && String(sel.i) === b.getAttribute("data-deviation"));
        });
      }
    }
    function same(a, b) { return !!a && !!b && JSON.stringify(a) === JSON.stringify(b); }
    function focusable(svg) {
      Array.prototype.forEach.call(svg.querySelectorAll(".edge, .node"), function (el) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "button");
      });
    }
    function unpack(k) {  // a level's SVG: base64 of gzip, inflated by the browser itself
      if (!loading[k]) {
        var raw = atob(data.levels[k].z), bytes = new Uint8Array(raw.length);
        for (var b = 0; b < raw.length; b++) { bytes[b] = raw.charCodeAt(b); }
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        loading[k] = new Response(stream).text().then(function (text) {
          var doc = new DOMParser().parseFromString(text, "image/svg+xml");
          if (doc.getElementsByTagName("parsererror").length || doc.documentElement.namespaceURI !== SVGNS) {
            throw new Error("level " + k + " is not SVG");
          }
          svgs[k] = document.importNode(doc.documentElement, true);
          focusable(svgs[k]);
          return svgs[k];
        });
      }
      return loading[k];
    }
    function showLevel(k) {
      state.want = k;
      unpack(k).then(function () {
        if (state.want !== k) { return; }
        state.level = k;
        map.replaceChildren(svgs[k]);
        map.setAttribute("data-level", String(k));
        var level = data.levels[k];
        get("level-text").textContent = level.text + (level.note ? " · " + level.note : "");
        highlight();
        if (state.sel && state.sel.k === "e") { showList(); }
      });
    }
    function pick(target) {
      var el = target.closest ? target.closest(".edge, .node") : null;
      if (!el || !map.contains(el)) { return; }
      var sel = el.classList.contains("edge") ? {k: "e", f: el.getAttribute("data-from"), t: el.getAttribute("data-to")}
        : {k: "n", a: el.getAttribute("data-activity")};
      choose(same(sel, state.sel) ? null : sel);
    }

    focusable(svgs[data.start]);
    map.addEventListener("click", function (e) { pick(e.target); });
    map.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(e.target); } });
    slider.addEventListener("input", function () { showLevel(+slider.value); });
    get("variants").addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) { return; }
      var k = +b.getAttribute("data-variant"), rank = Array.prototype.indexOf.call(get("variants").children, b.parentNode);
      var sel = {k: "v", i: k, rank: rank};
      choose(state.sel && state.sel.k === "v" && state.sel.i === k ? null : sel);
    });
    var devList = get("deviations");
    if (devList) {
      data.devs.forEach(function (d, k) {
        var li = document.createElement("li"), b = document.createElement("button"), head = document.createElement("b");
        b.type = "button";
        b.setAttribute("data-deviation", String(k));
        head.textContent = d.id + " · " + num(d.cases) + " · " + pct(d.share, lang);
        b.appendChild(head);
        b.appendChild(document.createTextNode(" " + d.title));
        li.appendChild(b);
        devList.appendChild(li);
      });
      devList.addEventListener("click", function (e) {
        var b = e.target.closest("button");
        if (!b) { return; }
        var k = +b.getAttribute("data-deviation");
        choose(state.sel && state.sel.k === "d" && state.sel.i === k ? null : {k: "d", i: k});
      });
    }
    ["from", "to", "mode"].forEach(function (name) { get(name).addEventListener("change", showList); });
    get("reset").addEventListener("click", function () { get("from").value = ""; get("to").value = ""; showList(); });
    get("clear").addEventListener("click", function () { choose(null); });
    get("zoom").addEventListener("click", function () { map.classList.toggle("mx-natural"); });
    get("copy").addEventListener("click", function () {
      var text = (state.ids || []).join(", "), done = function () { get("copied").textContent = w.copied + num(state.ids.length); };
      var fallback = function () {
        var area = document.createElement("textarea");
        area.value = text;
        root.appendChild(area);
        area.select();
        try { document.execCommand("copy"); done(); } catch (err) { void err; }
        root.removeChild(area);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) { navigator.clipboard.writeText(text).then(done, fallback); } else { fallback(); }
    });
    showLevel(data.start);
    choose(null);
    data.levels.forEach(function (level, k) { unpack(k); });  // inflate the others now: the slider then acts at once
  }

  function all() { Array.prototype.forEach.call(document.querySelectorAll(".mx-explorer"), init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
}());
