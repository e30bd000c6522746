// Halaman staf, bagian 7: drafts from the city's Instagram posts (/api/v1/admin/instagram).
// The caption is shown line by line, the lines a field came from marked; every value is
// inserted as text, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const FIELD_NAMES = {
    name: "nama", instagram: "Instagram", whatsapp: "WhatsApp", address: "alamat",
    kelurahan: "kelurahan", district: "kecamatan", sentra: "sentra", rubric: "rubrik",
  };
  const SURE = { high: "yakin", medium: "cukup yakin", low: "tebakan", none: "tidak ada" };
  let pendingFile = null;

  async function sendFile(dryRun) {
    const body = new FormData();
    body.append("file", pendingFile);
    return Staff.call("/admin/instagram/imports?dry_run=" + (dryRun ? 1 : 0),
      { method: "POST", body });
  }

  function summary(report) {
    return (report.dry_run ? "Uji coba: akan dibuat " : "Dibuat ") + report.drafts +
      " draf dari " + report.posts + " unggahan (" + report.matches +
      " cocok dengan usaha yang sudah ada); " + report.skipped_no_rubric +
      " tanpa tagar rubrik dilewati, " + report.already_imported + " sudah pernah diimpor.";
  }

  async function check(event) {
    event.preventDefault();
    pendingFile = $("instagram-file").files[0];
    $("instagram-confirm").hidden = true;
    try {
      const report = await sendFile(true);
      $("instagram-summary").textContent = summary(report);
      $("instagram-confirm").hidden = report.drafts === 0;
      Staff.say("instagram-status", "", "");
    } catch (error) {
      Staff.say("instagram-status", error.message, "bad");
    }
  }

  async function confirmImport() {
    try {
      const report = await sendFile(false);
      $("instagram-summary").textContent = summary(report);
      $("instagram-confirm").hidden = true;
      Staff.say("instagram-status", "Draf siap ditinjau di bawah.", "ok");
      loadDrafts();
    } catch (error) {
      Staff.say("instagram-status", error.message, "bad");
    }
  }

  function caption(draft) {
    const marks = {};  // line number -> field names found there
    for (const [name, found] of Object.entries(draft.extracted)) {
      if (found.line && FIELD_NAMES[name]) (marks[found.line] ||= []).push(FIELD_NAMES[name]);
    }
    const box = Staff.el("div", null, { class: "caption" });
    draft.caption.split("\n").forEach((line, i) => {
      const names = marks[i + 1];
      const row = Staff.el(names ? "mark" : "span", line || " ");
      if (names) row.append(Staff.el("small", " ← " + names.join(", ")));
      box.append(row);
    });
    return box;
  }

  function field(label, name, value, options) {
    const wrap = Staff.el("label", label);
    let input;
    if (options) {
      input = options.cloneNode(true);
      input.removeAttribute("id");
      input.value = value || "";
    } else {
      input = Staff.el("input", null, name === "featured_on" ? { type: "date" } : {});
      input.value = Array.isArray(value) ? value.join("; ") : (value || "");
    }
    input.name = name;
    wrap.append(input);
    return wrap;
  }

  function values(form) {
    const out = {};
    for (const [key, value] of new FormData(form).entries()) {
      const text = String(value).trim();
      out[key] = key === "products" ? text.split(";").map((p) => p.trim()).filter(Boolean)
        : (text || null);
    }
    return out;
  }

  function draftCard(draft) {
    const card = Staff.el("article", null, { class: "draft", "aria-label": "Draf " +
      (draft.values.name || draft.id) });
    const when = Staff.el("p", "Tayang " + Staff.tanggal(draft.values.featured_on || draft.taken_at) +
      (draft.photos ? " · " + draft.photos + " foto" : "") + " · ", { class: "hint" });
    if (draft.permalink) when.append(Staff.el("a", "lihat unggahan", { href: draft.permalink,
      target: "_blank", rel: "noopener" }));
    else when.append(Staff.el("span", "tautan unggahan belum diketahui"));
    const form = Staff.el("form", null, { class: "grid" });
    const v = draft.values;
    form.append(
      field("Nama usaha", "name", v.name),
      field("Kategori", "category", v.category, $("category-select")),
      field("Kelurahan", "kelurahan", v.kelurahan, $("kelurahan-select")),
      field("Alamat", "address", v.address),
      field("Produk (pisahkan dengan ;)", "products", v.products),
      field("WhatsApp", "whatsapp", v.whatsapp),
      field("Instagram", "instagram", v.instagram),
      field("Rubrik", "rubric", v.rubric, $("rubric-select")),
      field("Tanggal tayang", "featured_on", v.featured_on),
      field("Tautan unggahan", "post_url", v.post_url));
    const guesses = Object.entries(draft.extracted)
      .filter(([name, f]) => ["name", "category", "kelurahan", "address"].includes(name))
      .map(([name, f]) => (FIELD_NAMES[name] || "kategori") + ": " +
        (SURE[f.confidence] || f.confidence));
    const actions = Staff.el("div", null, { class: "actions" });
    const status = Staff.el("p", "", { class: "status", role: "status" });
    const act = (label, run, kind) => {
      const button = Staff.el("button", label, { type: "button", class: kind || "" });
      button.addEventListener("click", async () => {
        try {
          await Staff.call("/admin/instagram/drafts/" + draft.id, { method: "PATCH",
            json: values(form) });
          const result = await run();
          if (result && result.state === "published") {
            Staff.say("instagram-status", "Terbit: " + result.business_slug + " (" +
              (result.values.name || "") + ")" + (result.notes.length
                ? ". Foto yang dilewati: " + result.notes.join("; ") : "."), "ok");
          }
          loadDrafts();
        } catch (error) {
          status.textContent = error.message;
          status.className = "status bad";
        }
      });
      actions.append(button);
    };
    if (draft.match_slug) {
      act("Gabungkan: tampilan baru untuk " + draft.match_slug, () => Staff.call(
        "/admin/instagram/drafts/" + draft.id + "/publish",
        { method: "POST", json: { merge_into: draft.match_slug } }));
    }
    act("Terbitkan sebagai usaha baru", () => Staff.call(
      "/admin/instagram/drafts/" + draft.id + "/publish", { method: "POST", json: {} }),
      draft.match_slug ? "secondary" : "");
    act("Buang", () => Staff.call("/admin/instagram/drafts/" + draft.id + "/discard",
      { method: "POST" }), "secondary");
    card.append(Staff.el("h3", v.name || "(nama belum terbaca)"), when, caption(draft));
    if (draft.match_slug) {
      card.append(Staff.el("p", "Sepertinya usaha yang sudah ada: " + draft.match_slug +
        " (" + draft.match_reason + ").", { class: "match" }));
    }
    card.append(Staff.el("p", "Keyakinan: " + guesses.join(", "), { class: "hint" }), form,
      actions, status);
    return card;
  }

  async function loadDrafts() {
    try {
      const page = await Staff.call("/admin/instagram/drafts?per_page=20");
      const list = $("drafts");
      list.replaceChildren();
      if (!page.items.length) list.append(Staff.el("p", "Tidak ada draf yang menunggu."));
      for (const draft of page.items) list.append(draftCard(draft));
    } catch (error) {
      Staff.say("instagram-status", error.message, "bad");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("instagram-form").addEventListener("submit", check);
    $("instagram-confirm").addEventListener("click", confirmImport);
  });
  document.addEventListener("staff:signed-in", loadDrafts);
})();
