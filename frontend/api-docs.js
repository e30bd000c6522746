// Render /api/openapi.json as a readable reference. Text only: nothing is parsed as HTML
// (common.js's builder).
"use strict";

const {h: el} = window.Direktori;

// A table that scrolls sideways inside its own box on a narrow screen, not the whole page;
// focusable so a keyboard can scroll it too.
function table(label, headers, rows) {
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": label},
    el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {scope: "col"}, h)))),
      el("tbody", {}, ...rows)));
}

function refName(ref) {
  return ref.split("/").pop();
}

function resolve(spec, item) {
  // Follow one "$ref" inside the document (#/components/...).
  if (!item || !item.$ref) return item;
  return item.$ref.slice(2).split("/").reduce((node, key) => node && node[key], spec);
}

function typeOf(schema) {
  if (!schema) return "";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.type === "array") return "array of " + typeOf(schema.items);
  let text = schema.type || "any";
  if (schema.format) text += " (" + schema.format + ")";
  if (schema.enum) text += ": " + schema.enum.join(" | ");
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    text += " [" + (schema.minimum ?? "") + ".." + (schema.maximum ?? "") + "]";
  }
  if (schema.maxLength !== undefined) text += " (max " + schema.maxLength + " chars)";
  if (schema.nullable) text += ", or null";
  return text;
}

function schemaLink(schema) {
  if (schema && schema.$ref) return el("a", {href: "#schema-" + refName(schema.$ref)}, refName(schema.$ref));
  if (schema && schema.type === "array" && schema.items && schema.items.$ref) {
    return el("span", {}, "array of ", schemaLink(schema.items));
  }
  return el("code", {}, typeOf(schema));
}

// Labels name the operation: a region's label must be unique on the page (axe landmark-unique).
function parametersTable(spec, parameters, operation) {
  if (!parameters.length) return null;
  const rows = parameters.map((raw) => {
    const p = resolve(spec, raw);
    return el("tr", {}, el("td", {}, el("code", {}, p.name)), el("td", {}, p.in),
      el("td", {}, typeOf(p.schema) + (p.schema && p.schema.type === "array" ? " (repeat the parameter)" : "")),
      el("td", {}, p.required ? "yes" : ""), el("td", {}, p.description || ""));
  });
  return table(`Parameters of ${operation}`, ["parameter", "in", "type", "required", "meaning"],
    rows);
}

function responsesTable(spec, responses, operation) {
  const rows = Object.entries(responses).map(([status, raw]) => {
    const response = resolve(spec, raw) || {};
    const content = response.content || {};
    const types = Object.entries(content).map(([type, media]) =>
      el("div", {}, el("code", {}, type), " ", schemaLink(media.schema)));
    return el("tr", {}, el("td", {}, status), el("td", {}, response.description || ""),
      el("td", {}, ...types));
  });
  return table(`Responses of ${operation}`, ["status", "meaning", "body"], rows);
}

function operationBlock(spec, path, method, op, pathParameters) {
  const id = "op-" + method + path.replace(/[^a-z0-9]+/gi, "-");
  const locked = (op.security || []).length > 0;
  const example = method === "get" && !path.includes("{") ? el("p", {}, "Try: ", el("a", {href: path}, path)) : null;
  return el("section", {class: "operation", id},
    el("h3", {}, el("span", {class: "method " + method}, method.toUpperCase()), " ", el("code", {}, path)),
    locked ? el("p", {class: "lock"}, "Needs the staff token: Authorization: Bearer …") : null,
    el("p", {}, op.summary || ""),
    op.description ? el("p", {}, op.description) : null,
    parametersTable(spec, [...pathParameters, ...(op.parameters || [])],
      `${method.toUpperCase()} ${path}`),
    responsesTable(spec, op.responses || {}, `${method.toUpperCase()} ${path}`),
    example);
}

function schemaBlock(name, schema) {
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([prop, s]) =>
    el("tr", {}, el("td", {}, el("code", {}, prop)), el("td", {}, schemaLink(s)),
      el("td", {}, required.has(prop) ? "yes" : ""), el("td", {}, (s && s.description) || "")));
  return el("section", {id: "schema-" + name}, el("h3", {}, name),
    schema.description ? el("p", {}, schema.description) : null,
    table(`Fields of ${name}`, ["field", "type", "required", "meaning"], rows));
}

function render(spec) {
  const content = document.getElementById("content");
  const toc = el("ul");
  content.replaceChildren();
  document.getElementById("title").textContent = spec.info.title + " — API " + spec.info.version;
  const byTag = new Map();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === "parameters") continue;
      const tag = (op.tags || ["other"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op, item.parameters || []]);
    }
  }
  const descriptions = new Map((spec.tags || []).map((t) => [t.name, t.description]));
  for (const [tag, operations] of byTag) {
    content.append(el("h2", {id: "tag-" + tag}, tag));
    if (descriptions.get(tag)) content.append(el("p", {}, descriptions.get(tag)));
    for (const [path, method, op, params] of operations) {
      const block = operationBlock(spec, path, method, op, params);
      content.append(block);
      toc.append(el("li", {}, el("a", {href: "#" + block.id}, method.toUpperCase() + " " + path)));
    }
  }
  content.append(el("h2", {id: "schemas"}, "Schemas"));
  for (const [name, schema] of Object.entries((spec.components || {}).schemas || {})) {
    content.append(schemaBlock(name, schema));
  }
  document.getElementById("toc").replaceChildren(toc);
}

fetch("/api/openapi.json")
  .then((response) => {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  })
  .then(render)
  .catch((error) => {
    document.getElementById("status").textContent = "Could not load the OpenAPI document: " + error.message;
  });
