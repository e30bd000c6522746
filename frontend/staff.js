// Halaman staf: calls /api/v1/admin with the token kept in sessionStorage.
// Every value from the server is inserted as text, never as HTML (common.js's builder).
"use strict";

(function () {
  const { h, api, tanggal, waktuWIB, todayWIB, ApiFailure } = window.Direktori;
  const TOKEN_KEY = "staffToken";
  const ACTIONS = {
    "business.create": "usaha dibuat", "business.update": "usaha diubah",
    "business.delete": "usaha dihapus", "business.restore": "usaha dipulihkan",
    "feature.create": "tampilan ditambah", "feature.update": "tampilan diubah",
    "feature.delete": "tampilan dihapus", "import": "impor berkas", "reindex": "bangun ulang indeks",
    "photo.create": "foto ditambah", "photo.update": "foto diubah", "photo.reorder": "urutan foto diubah",
    "photo.delete": "foto dihapus",
    "vocabulary.create": "kosakata ditambah", "vocabulary.delete": "kosakata dihapus",
    "instagram.draft": "draf Instagram dibuat", "instagram.publish": "draf Instagram terbit",
    "instagram.discard": "draf Instagram dibuang",
  };
  const COUNTS = [
    ["rows", "Baris dibaca"], ["new_businesses", "Usaha baru"], ["new_features", "Tampilan baru"],
    ["updated_businesses", "Usaha diperbarui"], ["updated_features", "Tampilan diperbarui"],
    ["new_photos", "Foto baru"], ["unchanged_rows", "Baris tanpa perubahan"],
    ["skipped", "Baris dilewati"],
  ];

  const LABELS = { category: {}, kelurahan: {}, rubric: {} };  // slug -> name
  const named = (kind, slug) => LABELS[kind][slug] || slug;

  const $ = (id) => document.getElementById(id);
  let chosen = null;        // slug of the business the appearance goes to
  let chosenName = "";
  let pendingFile = null;   // the file checked by the dry run, imported on confirm
  let auditPage = 1;

  // The section files' signature: el("td", text, { class: "num" }).
  const el = (tag, text, attrs) => h(tag, attrs, text == null ? null : String(text));

  function say(id, text, kind) {
    const node = $(id);
    node.textContent = text;
    node.className = "status" + (kind ? " " + kind : "");
  }

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

  // The API with the staff token; a refused token signs the page out.
  async function call(path, options = {}) {
    try {
      return await api(path, { ...options,
        headers: { Authorization: "Bearer " + token(), ...options.headers } });
    } catch (error) {
      if (error.status === 401 && path.startsWith("/admin")) signedOut("Token tidak berlaku.");
      throw error;
    }
  }

  // -- token --------------------------------------------------------------------------

  async function signIn() {
    if (!token()) return signedOut("");
    try {
      const me = await call("/admin/me");
      say("token-status", "Masuk sebagai " + me.name + ".", "ok");
      $("token-form").hidden = true;
      $("logout").hidden = false;
      $("staff-tools").hidden = false;
      await loadReference();
      loadAudit(true);
      document.dispatchEvent(new CustomEvent("staff:signed-in"));
    } catch (error) {
      if (error.status !== 401) say("token-status", error.message, "bad");
    }
  }

  function signedOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    $("token-form").hidden = false;
    $("logout").hidden = true;
    $("staff-tools").hidden = true;
    say("token-status", message, message ? "bad" : "");
  }

  // -- reference lists for the forms ---------------------------------------------------

  let referenceLoaded = false;
  async function loadReference() {
    if (referenceLoaded) return;
    const [categories, districts, rubrics, sentra, subsectors] = await Promise.all([
      call("/categories"), call("/districts"), call("/rubrics"), call("/sentra"),
      call("/subsectors")]);
    for (const [id, items] of [["sentra-select", sentra.items], ["subsector-select", subsectors.items]]) {
      const select = $(id);
      select.replaceChildren(el("option", "— tidak ada —", { value: "" }));
      for (const item of items) select.append(el("option", item.name, { value: item.slug }));
    }
    const category = $("category-select");
    category.replaceChildren(el("option", "— pilih —", { value: "" }));
    for (const item of categories.items) {
      category.append(el("option", LABELS.category[item.slug] = item.label, { value: item.slug }));
    }
    const kelurahan = $("kelurahan-select");
    kelurahan.replaceChildren(el("option", "— pilih —", { value: "" }));
    for (const kecamatan of districts.items) {
      const group = el("optgroup", null, { label: "Kec. " + kecamatan.name });
      for (const item of kecamatan.kelurahan) {
        group.append(el("option", LABELS.kelurahan[item.slug] = item.name, { value: item.slug }));
      }
      kelurahan.append(group);
    }
    const rubric = $("rubric-select");
    rubric.replaceChildren();
    for (const item of rubrics.items) {
      rubric.append(el("option", LABELS.rubric[item.slug] = item.label, { value: item.slug }));
    }
    $("featured-on").value = todayWIB();
    referenceLoaded = true;
  }

  // -- 1. appearance ------------------------------------------------------------------

  function choose(business) {
    chosen = business.slug;
    chosenName = business.name;
    $("chosen-business").textContent = business.name + " (" + business.slug + ")";
    $("feature-submit").disabled = false;
    $("where-submit").disabled = false;
    showWhere(business);
    showMore(business);
  }

  // -- photos, prices and order links of the chosen business ----------------------------

  const slugPath = () => "/admin/businesses/" + encodeURIComponent(chosen);

  function showMore(business) {
    $("more-section").hidden = false;
    $("more-name").textContent = business.name;
    const form = $("buying-form");
    form.elements.price_range.value = business.price_range || "";
    form.elements.qris.value = business.qris == null ? "" : String(business.qris);
    form.elements.nib.value = business.nib || "";
    form.elements.halal.value = business.halal || "";
    form.elements.pirt.value = business.pirt || "";
    form.elements.order_links.value = (business.order_links || []).join("\n");
    say("buying-status", "");
    say("photo-status", "");
    showPhotos(business.photos || []);
  }

  async function saveBuying(event) {
    event.preventDefault();
    const form = event.target;
    const text = (name) => form.elements[name].value.trim() || null;
    const qris = form.elements.qris.value;
    const body = {
      price_range: text("price_range"), nib: text("nib"), halal: text("halal"), pirt: text("pirt"),
      qris: qris === "" ? null : qris === "true",
      order_links: form.elements.order_links.value.split(/\s*[\n;]\s*/).filter(Boolean),
    };
    try {
      const business = await call(slugPath(), { method: "PATCH", json: body });
      showMore(business);
      say("buying-status", "Tersimpan untuk " + business.name + ".", "ok");
      loadAudit(true);
    } catch (error) {
      say("buying-status", error.message, "bad");
    }
  }

  function showPhotos(photos) {
    const list = $("photo-list");
    list.replaceChildren();
    if (!photos.length) list.append(el("li", "Belum ada foto; kartu usaha tampil tanpa foto."));
    photos.forEach((photo, index) => {
      const item = el("li", null, { class: "photo-item" });
      const thumb = el("img", null, { src: photo.src, alt: photo.alt || photo.caption || "",
        width: "120", height: String(Math.round(120 * photo.height / photo.width)), loading: "lazy" });
      const form = el("form", null, { class: "grid photo-edit" });
      for (const [name, label] of [["caption", "Keterangan"], ["alt", "Teks alternatif"], ["credit", "Kredit"]]) {
        const field = el("label", label);
        field.append(el("input", null, { name, value: photo[name] || "", maxlength: "300" }));
        form.append(field);
      }
      const save = el("button", "Simpan", { type: "submit" });
      form.append(save);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const values = {};
        for (const name of ["caption", "alt", "credit"]) values[name] = form.elements[name].value.trim() || null;
        photoAction(() => call("/admin/photos/" + photo.id, { method: "PATCH", json: values }),
          "Foto " + (index + 1) + " disimpan.");
      });
      const tools = el("p", null, { class: "photo-tools" });
      const move = (delta, text) => {
        const button = el("button", text, { type: "button", class: "secondary" });
        const target = index + delta;
        button.disabled = target < 0 || target >= photos.length;
        button.addEventListener("click", () => {
          const ids = photos.map((p) => p.id);
          [ids[index], ids[target]] = [ids[target], ids[index]];
          photoAction(() => call(slugPath() + "/photos/order", { method: "PUT", json: { photos: ids } }),
            "Urutan foto disimpan.");
        });
        return button;
      };
      const remove = el("button", "Hapus", { type: "button", class: "danger" });
      remove.addEventListener("click", () => {
        if (!window.confirm("Hapus foto " + (index + 1) + "?")) return;
        photoAction(() => call("/admin/photos/" + photo.id, { method: "DELETE" }), "Foto dihapus.");
      });
      tools.append(move(-1, "↑ Naik"), move(1, "↓ Turun"), remove);
      item.append(thumb, form, tools);
      list.append(item);
    });
  }

  async function photoAction(request, done) {
    try {
      await request();
      showPhotos(await call(slugPath() + "/photos"));
      say("photo-status", done, "ok");
      loadAudit(true);
    } catch (error) {
      say("photo-status", error.message, "bad");
    }
  }

  async function uploadPhoto(event) {
    event.preventDefault();
    const form = event.target;
    const file = $("photo-file").files[0];
    if (!file || !chosen) return;
    const body = new FormData();
    body.append("file", file, file.name);
    for (const name of ["caption", "alt", "credit"]) {
      const value = form.elements[name].value.trim();
      if (value) body.append(name, value);
    }
    say("photo-status", "Mengunggah " + file.name + " …");
    await photoAction(() => call(slugPath() + "/photos", { method: "POST", body }), "Foto ditambahkan.");
    if ($("photo-status").className.includes("ok")) form.reset();
  }

  // Where and when of the chosen business: a pasted map link gives the coordinates (the
  // API reads them from it when latitude and longitude are left as they were).
  const WHERE = { "maps-url": "maps_url", latitude: "latitude", longitude: "longitude",
    "opening-hours": "opening_hours", "status-select": "status", "verified-on": "verified_on" };
  let whereShown = {};

  function showWhere(business) {
    whereShown = {};
    for (const [id, field] of Object.entries(WHERE)) {
      const value = business[field] == null ? (field === "status" ? "buka" : "") : String(business[field]);
      $(id).value = whereShown[field] = value;
    }
    say("where-status", "", "");
  }

  async function saveWhere(event) {
    event.preventDefault();
    if (!chosen) return;
    const body = {};
    for (const [id, field] of Object.entries(WHERE)) {
      const value = $(id).value.trim();
      if (value !== whereShown[field]) body[field] = value === "" ? null : value;
    }
    if (("latitude" in body) !== ("longitude" in body)) {
      body.latitude = $("latitude").value.trim() || null;
      body.longitude = $("longitude").value.trim() || null;
    }
    for (const field of ["latitude", "longitude"]) {
      if (body[field] != null) body[field] = Number(body[field].replace(",", "."));
    }
    if (body.status === null) delete body.status;
    if (!Object.keys(body).length) { say("where-status", "Tidak ada yang berubah.", "ok"); return; }
    try {
      const business = await call("/admin/businesses/" + encodeURIComponent(chosen),
        { method: "PATCH", json: body });
      showWhere(business);
      say("where-status", "Letak dan jam buka " + business.name + " disimpan" +
        (business.latitude != null ? " (titik " + business.latitude + ", " + business.longitude + ")." : "."), "ok");
      loadAudit(true);
    } catch (error) {
      say("where-status", error.message, "bad");
    }
  }

  async function findBusinesses(event) {
    event.preventDefault();
    const q = $("find-input").value.trim();
    const list = $("find-results");
    list.replaceChildren();
    try {
      const page = await call("/admin/businesses?per_page=10&q=" + encodeURIComponent(q));
      if (!page.items.length) list.append(el("li", "Tidak ditemukan. Buat usaha baru di bawah."));
      for (const business of page.items) {
        const item = el("li");
        const label = el("span", business.name + " · " + named("kelurahan", business.kelurahan) +
          " · " + named("category", business.category));
        const button = el("button", "Pilih", { type: "button", class: "secondary" });
        button.addEventListener("click", () => choose(business));
        item.append(label, button);
        list.append(item);
      }
    } catch (error) {
      list.append(el("li", error.message));
    }
  }

  function formValues(form) {
    const values = {};
    for (const [key, value] of new FormData(form).entries()) {
      if (String(value).trim() !== "") values[key] = String(value).trim();
    }
    return values;
  }

  async function createBusiness(event) {
    event.preventDefault();
    const values = formValues(event.target);
    if (values.products) values.products = values.products.split(";").map((p) => p.trim()).filter(Boolean);
    try {
      const business = await call("/admin/businesses", { method: "POST", json: values });
      choose(business);
      event.target.reset();
      $("new-business").open = false;
      say("appearance-status", "Usaha " + business.name + " dibuat dan dipilih.", "ok");
      loadAudit(true);
    } catch (error) {
      say("appearance-status", error.message, "bad");
    }
  }

  async function addFeature(event) {
    event.preventDefault();
    if (!chosen) return;
    const values = formValues(event.target);
    if (values.reach) values.reach = Number(values.reach);
    try {
      const feature = await call("/admin/businesses/" + encodeURIComponent(chosen) + "/features",
        { method: "POST", json: values });
      say("appearance-status", "Tampilan " + named("rubric", feature.rubric) +
        " tanggal " + tanggal(feature.featured_on) + " ditambahkan untuk " + chosenName +
        " (" + feature.business + ").", "ok");
      loadAudit(true);
    } catch (error) {
      say("appearance-status", error.message, "bad");
    }
  }

  // -- 2. upload ----------------------------------------------------------------------

  async function sendFile(dryRun) {
    const form = new FormData();
    form.append("file", pendingFile, pendingFile.name);
    return call("/admin/imports" + (dryRun ? "?dry_run=1" : ""), { method: "POST", body: form });
  }

  // The API's summary is English (it is the CLI's); staff read this one.
  function importSentence(r) {
    const changes = `${r.new_businesses} usaha baru, ${r.new_features} tampilan baru, ` +
      `${r.updated_businesses} usaha diperbarui, ${r.skipped} dari ${r.rows} baris dilewati.`;
    return (r.dry_run ? "Uji coba, belum ada yang disimpan. Akan ada: " : "Tersimpan: ") + changes;
  }

  // A <details> listing businesses by name and slug; hidden when there are none.
  function showBusinesses(id, businesses, title) {
    const box = $(id);
    box.hidden = !businesses.length;
    box.querySelector("summary").textContent = title + " (" + businesses.length + ")";
    const list = box.querySelector("ul");
    list.replaceChildren();
    for (const business of businesses) list.append(el("li", business.name + " (" + business.slug + ")"));
  }

  function showReport(report) {
    $("upload-report").hidden = false;
    $("upload-summary").textContent = importSentence(report);
    const counts = $("upload-counts");
    counts.replaceChildren();
    for (const [key, label] of COUNTS) {
      const row = el("tr");
      row.append(el("th", label, { scope: "row" }), el("td", report[key]));
      counts.append(row);
    }
    const errors = $("upload-errors");
    errors.replaceChildren();
    for (const error of report.errors) {
      const row = el("tr");
      // The column as the sheet's header wrote it; the reason in Indonesian (code kept).
      row.append(el("td", error.line), el("td", error.field === "row" ? "seluruh baris" : error.column),
        el("td", error.reason_id, { "data-code": error.code }));
      errors.append(row);
    }
    $("upload-errors-table").hidden = $("upload-errors-title").hidden = !report.errors.length;
    const warnings = $("upload-warnings");
    warnings.replaceChildren();
    for (const warning of report.warnings) {
      const where = [];  // a note on the whole file (no line) names its column itself
      if (warning.line !== null && warning.line !== undefined) {
        where.push("baris " + warning.line);
        if (warning.column && warning.field !== "row") where.push(warning.column);
      }
      warnings.append(el("li", (where.length ? where.join(", ") + ": " : "") + warning.reason_id,
        { "data-code": warning.code }));
    }
    $("upload-warnings-title").hidden = !report.warnings.length;
    showBusinesses("upload-created", report.created,
      report.dry_run ? "Usaha yang akan dibuat" : "Usaha yang dibuat");
    showBusinesses("upload-updated", report.updated,
      report.dry_run ? "Usaha yang akan diperbarui" : "Usaha yang diperbarui");
    $("upload-confirm").hidden = !report.dry_run;
  }

  async function checkUpload(event) {
    event.preventDefault();
    pendingFile = $("upload-file").files[0] || null;
    if (!pendingFile) return;
    say("upload-status", "Memeriksa " + pendingFile.name + " …");
    try {
      showReport(await sendFile(true));
      say("upload-status", "Periksa laporan di atas, lalu tekan “Impor sekarang”.");
    } catch (error) {
      $("upload-report").hidden = true;
      say("upload-status", error.message, "bad");
    }
  }

  async function confirmUpload() {
    if (!pendingFile) return;
    $("upload-confirm").disabled = true;
    say("upload-status", "Mengimpor " + pendingFile.name + " …");
    try {
      showReport(await sendFile(false));
      say("upload-status", "Impor selesai; pencarian sudah memuat perubahan.", "ok");
      pendingFile = null;
      loadAudit(true);
    } catch (error) {
      say("upload-status", error.message, "bad");
    } finally {
      $("upload-confirm").disabled = false;
    }
  }

  // -- 3. reindex ---------------------------------------------------------------------

  function showJob(job) {
    const bar = $("reindex-progress");
    bar.hidden = false;
    bar.value = job.progress;
    const percent = Math.round(job.progress * 100);
    if (job.state === "running") {
      say("reindex-status", "Sedang membangun: " + job.done + " dari " + job.total + " usaha (" + percent + "%).");
    } else if (job.state === "done") {
      say("reindex-status", "Selesai: " + job.done + " usaha diindeks.", "ok");
    } else {
      say("reindex-status", "Gagal: " + (job.error || "tidak diketahui"), "bad");
    }
  }

  async function startReindex() {
    const button = $("reindex-start");
    button.disabled = true;
    try {
      let job = await call("/admin/reindex", { method: "POST" });
      showJob(job);
      while (job.state === "running") {
        await new Promise((resolve) => setTimeout(resolve, 400));
        job = await call("/admin/jobs/" + job.id);
        showJob(job);
      }
      loadAudit(true);
    } catch (error) {
      say("reindex-status", error.status === 409
        ? "Pembangunan ulang lain sedang berjalan; tunggu sampai selesai." : error.message, "bad");
    } finally {
      button.disabled = false;
    }
  }

  // -- 4. audit log -------------------------------------------------------------------

  function describe(entry) {
    if (entry.action === "import" && entry.after) return importSentence(entry.after);
    if (entry.action === "reindex") {
      return entry.after && entry.after.total != null ? entry.after.total + " usaha" : "";
    }
    const record = entry.after || entry.before;
    const label = (r) => r.name || [named("rubric", r.rubric),
      r.featured_on && tanggal(r.featured_on)].filter(Boolean).join(" ");
    if (!entry.before && record) return "baru: " + label(record);
    if (!entry.after && record) return "dihapus: " + label(record);
    const changed = Object.keys(entry.after)
      .filter((key) => JSON.stringify(entry.before[key]) !== JSON.stringify(entry.after[key]));
    return changed.map((key) => key + ": " + JSON.stringify(entry.before[key]) + " → " +
      JSON.stringify(entry.after[key])).join("; ");
  }

  async function loadAudit(fresh) {
    if (fresh) auditPage = 1;
    try {
      const page = await call("/admin/audit?per_page=20&page=" + auditPage);
      const rows = $("audit-rows");
      if (fresh) rows.replaceChildren();
      for (const entry of page.items) {
        const row = el("tr");
        row.append(el("td", waktuWIB(entry.at), { title: entry.at + " UTC" }), el("td", entry.actor),
          el("td", ACTIONS[entry.action] || entry.action), el("td", entry.target || ""),
          el("td", describe(entry)));
        rows.append(row);
      }
      $("audit-more").hidden = !page.links.next;
    } catch (error) {
      say("token-status", error.message, "bad");
    }
  }

  // For the page's other sections (staff-searches.js): the same calls and DOM helper.
  window.Staff = { call, el, say, waktuWIB, tanggal, ApiFailure };

  document.addEventListener("DOMContentLoaded", () => {
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("token-input").value.trim());
      $("token-input").value = "";
      signIn();
    });
    $("logout").addEventListener("click", () => signedOut("Anda sudah keluar."));
    $("find-form").addEventListener("submit", findBusinesses);
    $("business-form").addEventListener("submit", createBusiness);
    $("where-form").addEventListener("submit", saveWhere);
    $("feature-form").addEventListener("submit", addFeature);
    $("buying-form").addEventListener("submit", saveBuying);
    $("photo-form").addEventListener("submit", uploadPhoto);
    $("upload-form").addEventListener("submit", checkUpload);
    $("upload-confirm").addEventListener("click", confirmUpload);
    $("reindex-start").addEventListener("click", startReindex);
    $("audit-refresh").addEventListener("click", () => loadAudit(true));
    $("audit-more").addEventListener("click", () => { auditPage += 1; loadAudit(false); });
    signIn();
  });
})();
