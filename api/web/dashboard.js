"use strict";
// /dashboard: a region within the credential's own, a day, a period, and a chart of every field of `dashboard`,
// each with its numbers in a table (what the browser test compares with the API's answer).
(() => {
  const {gql, start, say, element, $} = Creditfile;

  const BUCKET = "key label count";
  const QUERY = `query($region: String, $asOf: Date, $from: Date!, $to: Date!) {
    dashboard(regionCode: $region, asOf: $asOf) { regionCode asOf
      PROVINCE: activeEntries(groupBy: PROVINCE) { ${BUCKET} }
      CITY: activeEntries(groupBy: CITY) { ${BUCKET} }
      COUNTY: activeEntries(groupBy: COUNTY) { ${BUCKET} }
      LIST_TYPE: activeEntries(groupBy: LIST_TYPE) { ${BUCKET} }
      DOMAIN: activeEntries(groupBy: DOMAIN) { ${BUCKET} }
      recordsByMonth(from: $from, to: $to) { month count }
      pushStats { total answered pending overdue withdrawn feedbackRate medianDaysToAnswer
        byUnit { unit { name uscc } total answered pending overdue feedbackRate } }
      repairStats(from: $from, to: $to) { applied accepted rejected pending medianDaysToDecide } } }`;
  const charts = {};
  let names = {};
  let bound = "";  // the credential's region prefix ("" = the whole country)

  function today() {
    return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);  // the day in China
  }

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id));
    return charts[id];
  }

  function shown(value) {
    if (value === null || value === undefined) return "–";
    if (typeof value !== "number") return String(value);
    return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/\.?0+$/, "");
  }

  function table(field, head, rows) {
    const node = document.querySelector(`table[data-field="${field}"]`);
    node.replaceChildren(element("tr", {}, ...head.map((h) => element("th", {text: h}))),
                         ...rows.map((cells) => element("tr", {"data-key": cells[0]},
                                                       ...cells.map((c) => element("td", {text: shown(c)})))));
  }

  function bars(id, buckets, limit) {
    const top = buckets.slice(0, limit || buckets.length);
    chart(id).setOption({
      animation: false, tooltip: {}, grid: {left: 110, right: 20, top: 10, bottom: 20},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", inverse: true, data: top.map((b) => b.label || b.key)},
      series: [{type: "bar", data: top.map((b) => b.count), itemStyle: {color: "#4f81bd"}}],
    }, true);
  }

  function pie(id, items) {
    chart(id).setOption({
      animation: false, tooltip: {},
      series: [{type: "pie", radius: ["35%", "65%"], stillShowZeroSum: false, data: items.map(([name, value]) => ({name, value}))}],
    }, true);
  }

  function render(d) {
    for (const dim of ["PROVINCE", "CITY", "COUNTY", "LIST_TYPE", "DOMAIN"]) {
      table(`activeEntries.${dim}`, ["key", "label", "count"], d[dim].map((b) => [b.key, b.label, b.count]));
    }
    bars("chart-province", d.PROVINCE);
    bars("chart-city", d.CITY, 30);
    bars("chart-county", d.COUNTY, 30);
    pie("chart-listType", d.LIST_TYPE.map((b) => [b.key, b.count]));
    bars("chart-domain", d.DOMAIN);
    table("recordsByMonth", ["month", "count"], d.recordsByMonth.map((m) => [m.month, m.count]));
    chart("chart-records").setOption({
      animation: false, tooltip: {trigger: "axis"}, grid: {left: 50, right: 20, top: 10, bottom: 30},
      xAxis: {type: "category", data: d.recordsByMonth.map((m) => m.month)},
      yAxis: {type: "value", minInterval: 1},
      series: [{type: "line", data: d.recordsByMonth.map((m) => m.count), areaStyle: {}}],
    }, true);
    const p = d.pushStats;
    for (const name of ["total", "answered", "pending", "overdue", "withdrawn", "feedbackRate", "medianDaysToAnswer"]) {
      document.querySelector(`[data-field="pushStats.${name}"]`).textContent = shown(p[name]);
    }
    table("pushStats.byUnit", ["unit USCC", "unit", "total", "answered", "pending", "overdue", "feedback rate"],
          p.byUnit.map((u) => [u.unit.uscc || "", u.unit.name, u.total, u.answered, u.pending, u.overdue,
                               u.feedbackRate]));
    const units = p.byUnit.slice(0, 20);
    chart("chart-units").setOption({
      animation: false, tooltip: {trigger: "axis"}, legend: {}, grid: {left: 160, right: 60, top: 30, bottom: 20},
      xAxis: [{type: "value", minInterval: 1}, {type: "value", min: 0, max: 1, position: "top", show: false}],
      yAxis: {type: "category", inverse: true, data: units.map((u) => u.unit.name)},
      series: [
        {name: "answered", type: "bar", stack: "n", data: units.map((u) => u.answered)},
        {name: "pending (not overdue)", type: "bar", stack: "n", data: units.map((u) => u.pending - u.overdue)},
        {name: "overdue", type: "bar", stack: "n", data: units.map((u) => u.overdue), itemStyle: {color: "#d9534f"}},
        {name: "feedback rate", type: "scatter", xAxisIndex: 1, data: units.map((u) => u.feedbackRate)},
      ],
    }, true);
    const r = d.repairStats;
    for (const name of ["applied", "accepted", "rejected", "pending", "medianDaysToDecide"]) {
      document.querySelector(`[data-field="repairStats.${name}"]`).textContent = shown(r[name]);
    }
    pie("chart-repairs", [["accepted", r.accepted], ["rejected", r.rejected], ["pending", r.pending]]);
  }

  function region() {
    return $("county").value || $("city").value || $("province").value || null;
  }

  async function refresh() {
    const status = $("status");
    status.dataset.state = "loading";
    status.textContent = "Loading …";
    try {
      const d = (await gql(QUERY, {region: region(), asOf: $("asof").value, from: $("from").value,
                                   to: $("to").value})).dashboard;
      render(d);
      status.textContent = `${d.regionCode ? (names[d.regionCode.padEnd(6, "0")] || d.regionCode) : "全国 whole country"}` +
                           ` as of ${d.asOf}`;
      status.dataset.region = d.regionCode || "";
      status.dataset.state = "ready";
      say("");
    } catch (err) {
      status.dataset.state = "error";
      status.textContent = "";
      say(`Cannot show the dashboard: ${err.message}`, "error");
    }
  }

  // The picker lists what the credential may see: its region and the parts of it.
  function options(select, items, anyLabel) {
    select.replaceChildren(...(anyLabel ? [element("option", {value: "", text: anyLabel})] : []),
                           ...items.map(([value, text]) => element("option", {value, text})));
    select.disabled = select.options.length <= 1;
  }

  function fill(level) {
    const codes = Object.keys(names);
    if (level <= 0) {
      const provinces = codes.filter((c) => c.endsWith("0000") && c.startsWith(bound.slice(0, 2)))
                             .map((c) => [c.slice(0, 2), names[c]]);
      options($("province"), provinces, bound.length >= 2 ? null : "全国 whole country");
    }
    const province = $("province").value;
    if (level <= 1) {
      const prefixes = [...new Set(codes.filter((c) => province && c.startsWith(province) && !c.endsWith("0000"))
                                        .map((c) => c.slice(0, 4)))]
        .filter((p) => p.startsWith(bound.slice(0, 4))).sort();
      options($("city"), prefixes.map((p) => [p, names[p + "00"] || `${names[province + "0000"]} ${p}`]),
              bound.length >= 4 ? null : (province ? "all cities" : "–"));
    }
    const city = $("city").value;
    const counties = codes.filter((c) => city && c.startsWith(city) && !c.endsWith("00") && c.startsWith(bound))
                          .sort().map((c) => [c, names[c]]);
    options($("county"), counties, bound.length >= 6 ? null : (city ? "all counties" : "–"));
  }

  async function ready(viewer) {
    bound = viewer.regionCode || "";
    bound = bound.length === 6 && bound.endsWith("0000") ? bound.slice(0, 2)
          : bound.length === 6 && bound.endsWith("00") ? bound.slice(0, 4) : bound;
    const response = await fetch("/regions.json");
    names = await response.json();
    fill(0);
    $("province").addEventListener("change", () => fill(1));
    $("city").addEventListener("change", () => fill(2));
    const day = today();
    $("asof").value = day;
    $("to").value = day;
    $("from").value = `${Number(day.slice(0, 4)) - 2}${day.slice(4, 7)}-01`;
    $("controls").addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
    window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
    await refresh();
  }

  start({allowed: ["DASHBOARD", "AUTHORITY", "ADMIN"], purpose: "The dashboard", onReady: ready});
})();
