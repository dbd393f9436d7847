"use strict";
// /explore: search, open a subject, draw its neighbourhood or liability trace as of a day, expand nodes by
// clicking them, and show the selected subject's file in the side panel. Everything through /graphql.
(() => {
  const {gql, start, say, element, $} = Creditfile;

  const GRAPH = "truncated nodes { id kind label riskLevel } edges { id source target relation label from to }";
  const NEIGHBOURHOOD = `query($id: ID!, $depth: Int, $asOf: Date) {
    neighbourhood(id: $id, depth: $depth, asOf: $asOf, limit: 200) { ${GRAPH} } }`;
  const TRACE = `query($uscc: String!, $depth: Int, $asOf: Date) {
    liabilityTrace(uscc: $uscc, depth: $depth, asOf: $asOf) { graph { ${GRAPH} } } }`;
  const SEARCH = `query($text: String!) { search(text: $text, first: 10) { totalCount edges { node {
    __typename id name riskLevel { level } ... on Organisation { uscc region { name } }
    ... on Person { idNumberMasked } } } } }`;
  const ORGANISATION = `query($uscc: String!) { organisation(uscc: $uscc) { id name uscc } }`;
  const SUMMARY = `query($id: ID!, $asOf: Date) { neighbourhood(id: $id, depth: 1, limit: 1, asOf: $asOf) {
    nodes { id subject {
      __typename name riskLevel { level reasons }
      ... on Organisation { uscc status legalForm region { name } }
      ... on Person { idNumberMasked }
      records(first: 10, filter: {statuses: [ACTIVE, EXPIRED]}) { totalCount
        edges { node { recordId category severity status decidedOn authority { name } } } }
      listEntries(activeOnly: false) { entryId listType domain listedOn validUntil removedOn active }
      measures { measure { code name } } } } } }`;

  const COLOURS = {RED: "#d9534f", YELLOW: "#f0ad4e", GREEN: "#5cb85c"};
  const state = {root: null, expanded: [], selected: null, loading: 0};
  let cy;

  function kindOf(id) {
    // Ids are base64url of "Type:key" (api/cursors.py); records and entries have no risk colour.
    try {
      const text = atob(id.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((id.length + 3) % 4));
      return text.slice(0, text.indexOf(":"));
    } catch (err) {
      return "Node";
    }
  }

  function today() {
    const now = new Date(Date.now() + 8 * 3600 * 1000);  // the day in China (Asia/Shanghai, no DST)
    return now.toISOString().slice(0, 10);
  }

  function dayOffset(day) {
    return Math.round((Date.parse(day) - Date.parse(today())) / 86400000);
  }

  function edgeLabel(edge) {
    const dates = edge.from || edge.to ? ` ${edge.from || "…"}–${edge.to || ""}` : "";
    return `${edge.relation}${edge.label ? " " + edge.label : ""}${dates}`;
  }

  function setBusy(delta, text) {
    state.loading += delta;
    $("graph").dataset.state = state.loading > 0 ? "loading" : (cy.nodes().length ? "ready" : "empty");
    if (text !== undefined) $("graph-status").textContent = text;
  }

  function draw(graphs, fresh) {
    const elements = [];
    const seen = new Set(fresh ? [] : cy.elements().map((e) => e.id()));
    let truncated = false;
    for (const graph of graphs) {
      truncated = truncated || graph.truncated;
      for (const node of graph.nodes) {
        if (seen.has(node.id)) continue;
        seen.add(node.id);
        const type = kindOf(node.id);
        elements.push({group: "nodes", data: {
          id: node.id, label: node.label, type, risk: node.riskLevel || "NONE",
          colour: COLOURS[node.riskLevel] || "#9aa0a6"}});
      }
      for (const edge of graph.edges) {
        if (seen.has(edge.id)) continue;
        seen.add(edge.id);
        elements.push({group: "edges", data: {id: edge.id, source: edge.source, target: edge.target,
                                               relation: edge.relation, label: edgeLabel(edge)}});
      }
    }
    if (fresh) cy.elements().remove();
    const added = cy.add(elements.filter((e) => e.group === "nodes"));
    cy.add(elements.filter((e) => e.group === "edges" && cy.getElementById(e.data.source).nonempty()
                                  && cy.getElementById(e.data.target).nonempty()));
    if (state.root) cy.getElementById(state.root.id).addClass("root");
    for (const id of state.expanded) cy.getElementById(id).addClass("expanded");
    if (fresh || added.nonempty()) cy.layout({name: "cose", animate: false, nodeDimensionsIncludeLabels: true}).run();
    return truncated;
  }

  async function rootGraph(asOf) {
    const depth = Number($("depth").value);
    if ($("mode").value === "trace" && state.root.uscc) {
      return (await gql(TRACE, {uscc: state.root.uscc, depth, asOf})).liabilityTrace.graph;
    }
    return (await gql(NEIGHBOURHOOD, {id: state.root.id, depth, asOf})).neighbourhood;
  }

  async function reload() {
    if (!state.root) return;
    const asOf = $("asof").value;
    setBusy(1, `Loading ${state.root.label} as of ${asOf} …`);
    try {
      const graphs = [await rootGraph(asOf)];
      for (const id of state.expanded) {
        try {
          graphs.push((await gql(NEIGHBOURHOOD, {id, depth: 1, asOf})).neighbourhood);
        } catch (err) {
          if (err.code !== "BAD_USER_INPUT") throw err;  // a node that did not exist yet on that day
        }
      }
      const truncated = draw(graphs, true);
      setBusy(-1, `${cy.nodes().length} nodes, ${cy.edges().length} links as of ${asOf}` +
                  (truncated ? " (cut at the size limit)" : ""));
      say("");
    } catch (err) {
      setBusy(-1, "");
      say(`Cannot draw the graph: ${err.message}`, "error");
    }
    if (state.selected) await summary(state.selected);
  }

  async function expand(id) {
    if (!state.expanded.includes(id) && id !== state.root.id) state.expanded.push(id);
    const asOf = $("asof").value;
    setBusy(1);
    try {
      const graph = (await gql(NEIGHBOURHOOD, {id, depth: 1, asOf})).neighbourhood;
      draw([graph], false);
      cy.getElementById(id).addClass("expanded");
      setBusy(-1, `${cy.nodes().length} nodes, ${cy.edges().length} links as of ${asOf}`);
    } catch (err) {
      setBusy(-1);
      say(`Cannot expand: ${err.message}`, "error");
    }
  }

  function row(cells) {
    return element("tr", {}, ...cells.map((c) => element("td", {text: c ?? ""})));
  }

  async function summary(id) {
    state.selected = id;
    const panel = $("panel");
    const node = cy.getElementById(id);
    panel.replaceChildren(element("h2", {text: node.nonempty() ? node.data("label") : ""}));
    let found;
    try {
      found = (await gql(SUMMARY, {id, asOf: $("asof").value})).neighbourhood.nodes[0];
    } catch (err) {
      panel.append(element("p", {class: "hint", text: err.message}));
      return;
    }
    const s = found && found.subject;
    if (!s) {
      panel.append(element("p", {class: "hint", text: `${kindOf(id)}: open its organisation or person for a file.`}));
      return;
    }
    panel.replaceChildren(
      element("h2", {text: s.name}),
      element("p", {class: `risk ${s.riskLevel.level.toLowerCase()}`, "data-field": "risk",
                    text: `${s.riskLevel.level}${s.riskLevel.reasons.length ? ": " + s.riskLevel.reasons.join("; ") : ""}`}),
      element("p", {class: "hint", text: s.__typename === "Organisation"
        ? [s.uscc, s.region && s.region.name, s.legalForm, s.status].filter(Boolean).join(" · ")
        : s.idNumberMasked}),
      element("h3", {text: `Records (${s.records.totalCount})`}),
      element("table", {"data-field": "records"}, ...s.records.edges.map(({node: r}) =>
        row([r.decidedOn, r.category, r.severity, r.status, r.authority && r.authority.name]))),
      element("h3", {text: `List entries (${s.listEntries.length})`}),
      element("table", {"data-field": "entries"}, ...s.listEntries.map((e) =>
        row([e.listType, e.domain, `${e.listedOn}–${e.removedOn || e.validUntil || ""}`, e.active ? "active" : ""]))),
      element("h3", {text: `Measures (${s.measures.length})`}),
      element("ul", {"data-field": "measures"}, ...s.measures.map((m) => element("li", {text: m.measure.name}))),
    );
  }

  async function open(subject) {
    state.root = subject;
    state.expanded = [];
    state.selected = null;
    history.replaceState(null, "", subject.uscc ? `/explore?uscc=${encodeURIComponent(subject.uscc)}` : "/explore");
    $("mode").querySelector("option[value=trace]").disabled = !subject.uscc;
    if (!subject.uscc) $("mode").value = "neighbourhood";
    await reload();
    await summary(subject.id);
  }

  async function search(text) {
    const list = $("results");
    list.replaceChildren();
    try {
      const result = (await gql(SEARCH, {text})).search;
      if (!result.edges.length) list.append(element("li", {class: "hint", text: "Nothing found."}));
      for (const {node} of result.edges) {
        const detail = node.__typename === "Organisation" ? `${node.uscc} ${node.region ? node.region.name : ""}`
                                                         : node.idNumberMasked;
        const button = element("button", {type: "button", class: `result ${node.riskLevel.level.toLowerCase()}`,
                                          "data-id": node.id}, element("strong", {text: node.name}),
                               element("small", {text: " " + detail}));
        button.addEventListener("click", () => open({id: node.id, uscc: node.uscc || null, label: node.name}));
        list.append(element("li", {}, button));
      }
    } catch (err) {
      say(`Search failed: ${err.message}`, "error");
    }
  }

  function setDay(day, fromSlider) {
    $("asof").value = day;
    if (!fromSlider) $("asof-slider").value = String(Math.max(-3650, Math.min(0, dayOffset(day))));
  }

  async function ready() {
    cy = cytoscape({
      container: $("graph"),
      style: [
        {selector: "node", style: {"background-color": "data(colour)", "label": "data(label)", "font-size": 10,
                                   "text-valign": "bottom", "text-margin-y": 3, "width": 26, "height": 26}},
        {selector: "node[type = 'Organisation']", style: {"shape": "round-rectangle", "width": 34}},
        {selector: "node[type = 'CreditRecord']", style: {"shape": "diamond", "width": 18, "height": 18}},
        {selector: "node[type = 'ListEntry']", style: {"shape": "tag", "width": 18, "height": 18}},
        {selector: "node.root", style: {"border-width": 4, "border-color": "#1f3a93"}},
        {selector: "node.expanded", style: {"border-width": 2, "border-color": "#555"}},
        {selector: "node:selected", style: {"overlay-opacity": 0.15}},
        {selector: "edge", style: {"label": "data(label)", "font-size": 7, "curve-style": "bezier",
                                   "target-arrow-shape": "triangle", "width": 1.2, "line-color": "#b0b7bf",
                                   "target-arrow-color": "#b0b7bf", "text-rotation": "autorotate",
                                   "text-background-color": "#fff", "text-background-opacity": 0.8}},
      ],
    });
    window.creditfileExplorer = {cy, state};
    cy.on("tap", "node", async (event) => {
      const id = event.target.id();
      await Promise.all([expand(id), summary(id)]);
    });
    setDay(today(), false);
    $("asof").addEventListener("change", () => { setDay($("asof").value, false); reload(); });
    let timer;
    $("asof-slider").addEventListener("input", () => {
      const day = new Date(Date.parse(today()) + Number($("asof-slider").value) * 86400000).toISOString().slice(0, 10);
      setDay(day, true);
      clearTimeout(timer);
      timer = setTimeout(reload, 300);
    });
    $("mode").addEventListener("change", reload);
    $("depth").addEventListener("change", reload);
    $("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      search($("search").value.trim());
    });
    const uscc = new URLSearchParams(location.search).get("uscc");
    if (uscc) {
      try {
        const org = (await gql(ORGANISATION, {uscc})).organisation;
        if (!org) return say(`No organisation ${uscc} in the credit file.`, "error");
        await open({id: org.id, uscc: org.uscc, label: org.name});
      } catch (err) {
        say(`Cannot open ${uscc}: ${err.message}`, "error");
      }
    }
  }

  start({allowed: ["INVESTIGATOR", "ADMIN"], purpose: "The explorer", onReady: ready});
})();
