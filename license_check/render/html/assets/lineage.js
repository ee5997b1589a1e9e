// The lineage graph of --format html: Cytoscape.js draws the nodes and edges the page's data holds.
// Labels are drawn on a canvas (text, never markup).
(function () {
  "use strict";
  var data = window.licenseCheckData();
  var box = document.getElementById("lineage");
  var colours = {allowed: "#1a7f37", conditional: "#bf8700", prohibited: "#cf222e", unknown: "#6e7781"};
  if (!box || !data.lineage || data.lineage.edges.length === 0) { window.licenseCheckReady(); return; }
  var elements = [];
  data.lineage.nodes.forEach(function (n) {
    elements.push({group: "nodes", data: {id: n.id, role: n.role, label: n.label + "\n" + n.license, use: n.use,
      colour: colours[n.use] || colours.unknown, shape: n.role === "repository" ? "round-rectangle" : "ellipse"}});
  });
  data.lineage.edges.forEach(function (e) {
    // "references" edges (what the repository only names) are dashed and unlabelled: there can be many.
    elements.push({group: "edges", data: {id: e.id, source: e.source, target: e.target,
      label: e.relation === "references" ? "" : e.relation, line: e.relation === "references" ? "dashed" : "solid"}});
  });
  var cy = cytoscape({
    container: box,
    elements: elements,
    style: [
      {selector: "node", style: {"background-color": "data(colour)", "shape": "data(shape)", "label": "data(label)",
        "color": "#1f2328", "font-size": 11, "text-wrap": "wrap", "text-max-width": 150, "text-valign": "bottom",
        "text-overflow-wrap": "anywhere",
        "text-margin-y": 4, "width": 26, "height": 26}},
      {selector: "edge", style: {"curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5,
        "line-color": "#8c959f", "target-arrow-color": "#8c959f", "label": "data(label)", "font-size": 10,
        "line-style": "data(line)",
        "color": "#57606a", "text-background-color": "#fff", "text-background-opacity": 1}}
    ],
    maxZoom: 1.6,  // a graph of two nodes is not drawn with letters an inch high
    layout: {name: "preset", fit: false}
  });
  // The roots as a collection, not a selector: an id from the repository may be any text.
  var roots = cy.nodes().filter(function (n) { return n.data("role") === "repository"; });
  cy.layout({name: "breadthfirst", directed: true, roots: roots.length ? roots : undefined, spacingFactor: 1.3,
    padding: 30, animate: false, fit: true}).run();
  cy.fit(undefined, 30);
  box.setAttribute("data-drawn", String(cy.nodes().length));
  window.licenseCheckReady();
})();
