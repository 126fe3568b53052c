// Client-side filters for report.html. No network access: the page's CSP allows this script
// (by its hash) and nothing else.
(function () {
  "use strict";
  var byID = function (id) { return document.getElementById(id); };
  var cases = Array.prototype.slice.call(document.querySelectorAll("#case-list details.case"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("#matrix tbody tr"));
  var filters = {
    provider: byID("f-provider"), state: byID("f-state"), label: byID("f-label"),
    operation: byID("f-operation"), text: byID("f-text")
  };

  function matches(el, f) {
    if (f.provider && el.getAttribute("data-provider") !== f.provider) { return false; }
    if (f.state && el.getAttribute("data-state") !== f.state) { return false; }
    if (f.operation && el.getAttribute("data-operation") !== f.operation) { return false; }
    if (f.label && (el.getAttribute("data-labels") || "").split(",").indexOf(f.label) < 0) { return false; }
    if (f.text && el.textContent.toLowerCase().indexOf(f.text) < 0) { return false; }
    return true;
  }

  // The filters live in the fragment too (report.html#state=failed&provider=zstack), so that
  // a filtered view can be linked to.
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    Object.keys(filters).forEach(function (k) {
      var v = params.get(k) || "";
      filters[k].value = filters[k].tagName !== "SELECT" || hasOption(filters[k], v) ? v : "";
    });
  }

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }

  function writeHash() {
    var params = new URLSearchParams();
    Object.keys(filters).forEach(function (k) { if (filters[k].value) { params.set(k, filters[k].value); } });
    var hash = params.toString();
    if (hash !== location.hash.slice(1)) { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); }
  }

  function apply() {
    var f = {
      provider: filters.provider.value, state: filters.state.value, label: filters.label.value,
      operation: filters.operation.value, text: filters.text.value.trim().toLowerCase()
    };
    var shown = 0;
    cases.forEach(function (c) {
      var ok = matches(c, f);
      c.hidden = !ok;
      if (ok) { shown++; }
    });
    rows.forEach(function (r) {
      r.hidden = f.provider !== "" && r.getAttribute("data-provider") !== f.provider;
    });
    byID("shown").textContent = shown + " of " + cases.length + " cases shown";
  }

  function update() {
    apply();
    writeHash();
  }

  function openAll(open) {
    return function () {
      cases.forEach(function (c) { if (!c.hidden) { c.open = open; } });
    };
  }

  byID("filters").addEventListener("input", update);
  byID("filters").addEventListener("change", update);
  byID("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  byID("reset").addEventListener("click", function () {
    Object.keys(filters).forEach(function (k) { filters[k].value = ""; });
    update();
  });
  byID("expand").addEventListener("click", openAll(true));
  byID("collapse").addEventListener("click", openAll(false));
  // A click on a matrix row shows that operation's cases.
  rows.forEach(function (r) {
    r.addEventListener("click", function () {
      filters.operation.value = r.getAttribute("data-operation");
      update();
      byID("cases").scrollIntoView();
    });
  });
  // The uncovered items of the coverage section, filtered by operation, dimension and text;
  // a click on an operation's coverage row selects it.
  var uncovered = Array.prototype.slice.call(document.querySelectorAll("#uncovered li"));
  var cov = { operation: byID("c-operation"), dimension: byID("c-dimension"), text: byID("c-text") };
  function applyCoverage() {
    if (!cov.operation) { return; }
    var text = cov.text.value.trim().toLowerCase();
    var shown = 0;
    uncovered.forEach(function (li) {
      var ok = (!cov.operation.value || li.getAttribute("data-operation") === cov.operation.value) &&
        (!cov.dimension.value || li.getAttribute("data-dimension") === cov.dimension.value) &&
        (!text || li.textContent.toLowerCase().indexOf(text) >= 0);
      li.hidden = !ok;
      if (ok) { shown++; }
    });
    byID("c-shown").textContent = shown + " of " + uncovered.length + " items shown";
  }
  if (cov.operation) {
    byID("coverage-filters").addEventListener("input", applyCoverage);
    byID("coverage-filters").addEventListener("change", applyCoverage);
    byID("coverage-filters").addEventListener("submit", function (e) { e.preventDefault(); });
    Array.prototype.forEach.call(document.querySelectorAll("#coverage tbody tr[data-operation]"), function (r) {
      r.addEventListener("click", function () {
        cov.operation.value = r.getAttribute("data-operation");
        applyCoverage();
        byID("uncovered").scrollIntoView();
      });
    });
    applyCoverage();
  }
  window.addEventListener("hashchange", function () { readHash(); apply(); });
  readHash();
  apply();
  document.documentElement.setAttribute("data-js", "ready");
}());
