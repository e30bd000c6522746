// Halaman staf, bagian 5 and 6: what citizens searched for (/api/v1/admin/searches...) and
// the staff's search vocabulary (/api/v1/admin/vocabulary).
// Uses staff.js's call() and el(); every value is inserted as text, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const angka = (n) => n.toLocaleString("id-ID");

  function trend(now, before) {
    if (!before) return now ? "baru" : "–";
    const change = Math.round((now - before) / before * 100);
    return angka(before) + (change > 0 ? " (naik " + change + "%)" : change < 0 ?
      " (turun " + -change + "%)" : " (sama)");
  }

  function tryLink(url, text) {
    const cell = document.createElement("td");
    cell.append(Staff.el("a", "Coba", { href: url, target: "_blank", rel: "noopener",
      "aria-label": "Coba cari " + text }));
    return cell;
  }

  function fill(id, items, count, empty) {
    const rows = $(id);
    rows.replaceChildren();
    if (!items.length) {
      const row = Staff.el("tr");
      row.append(Staff.el("td", empty, { colspan: "4" }));
      rows.append(row);
      return;
    }
    for (const item of items) {
      const row = Staff.el("tr");
      row.append(Staff.el("td", item.query), Staff.el("td", angka(count(item))),
        Staff.el("td", trend(count(item), item.previous)), tryLink(item.try_url, item.query));
      rows.append(row);
    }
  }

  async function load(event) {
    if (event) event.preventDefault();
    const days = $("searches-days").value;
    try {
      const report = await Staff.call("/admin/searches?days=" + days);
      const t = report.totals;
      $("searches-min").textContent = report.min_count;
      $("searches-totals").textContent = angka(t.searches) + " pencarian dalam " + days +
        " hari; " + angka(t.zero_results) + " tanpa hasil, " + angka(t.corrected) +
        " dibantu koreksi ejaan, " + angka(t.filtered) + " memakai saringan.";
      fill("popular-rows", report.popular, (i) => i.searches,
        "Belum ada pencarian yang cukup sering untuk ditampilkan.");
      fill("zero-rows", report.zero_results, (i) => i.zero_results,
        "Tidak ada pencarian tanpa hasil yang cukup sering.");
      const demand = await Staff.call("/admin/searches/demand?days=" + days);
      const rows = $("demand-rows");
      rows.replaceChildren();
      if (!demand.items.length) {
        const row = Staff.el("tr");
        row.append(Staff.el("td", "Semua yang dicari sudah ditawarkan.", { colspan: "4" }));
        rows.append(row);
      }
      for (const item of demand.items) {
        const row = Staff.el("tr");
        row.append(Staff.el("td", item.word), Staff.el("td", angka(item.searches)),
          Staff.el("td", item.examples.join("; ")), tryLink(item.try_url, item.word));
        rows.append(row);
      }
      Staff.say("searches-status", "", "");
    } catch (error) {
      Staff.say("searches-status", error.message, "bad");
    }
  }

  // The CSV needs the token in a header: fetch it, then hand the browser a blob to save.
  async function downloadCsv() {
    const days = $("searches-days").value;
    try {
      const response = await fetch("/api/v1/admin/searches/demand.csv?days=" + days, {
        headers: { Authorization: "Bearer " + (sessionStorage.getItem("staffToken") || "") } });
      if (!response.ok) throw new Error("Unduhan gagal (status " + response.status + ").");
      const link = Staff.el("a", "", { href: URL.createObjectURL(await response.blob()),
        download: "permintaan-tanpa-penawaran-" + days + "-hari.csv" });
      document.body.append(link);
      link.click();
      link.remove();
      Staff.say("searches-status", "CSV diunduh.", "ok");
    } catch (error) {
      Staff.say("searches-status", error.message, "bad");
    }
  }

  // -- vocabulary ----------------------------------------------------------------------

  let checkedLine = null;  // the line the dry run was shown for; saving saves exactly it

  async function loadVocabulary() {
    try {
      const list = $("vocabulary-list");
      list.replaceChildren();
      const page = await Staff.call("/admin/vocabulary");
      if (!page.items.length) list.append(Staff.el("li", "Belum ada tambahan."));
      for (const item of page.items) {
        const row = Staff.el("li");
        const label = Staff.el("span", item.text + " · " + item.created_by + ", " +
          Staff.waktuWIB(item.created_at));
        const button = Staff.el("button", "Hapus", { type: "button", class: "secondary",
          "aria-label": "Hapus " + item.text });
        button.addEventListener("click", () => removeLine(item));
        row.append(label, button);
        list.append(row);
      }
    } catch (error) {
      Staff.say("vocabulary-status", error.message, "bad");
    }
  }

  async function checkLine(event) {
    event.preventDefault();
    const text = $("vocabulary-input").value.trim();
    $("vocabulary-check").hidden = true;
    try {
      const check = await Staff.call("/admin/vocabulary/check?days=" + $("searches-days").value,
        { method: "POST", json: { text } });
      checkedLine = text;
      const fixes = $("vocabulary-fixes");
      fixes.replaceChildren();
      for (const fix of check.fixes) {
        fixes.append(Staff.el("li", "“" + fix.query + "” (" + angka(fix.searches) +
          " kali tanpa hasil) kini menemukan " + angka(fix.found) + " usaha"));
      }
      $("vocabulary-check-summary").textContent = check.fixes.length
        ? "Baris ini memperbaiki " + check.fixes.length + " pencarian tanpa hasil:"
        : "Belum ada pencarian tanpa hasil yang diperbaiki baris ini; tetap boleh disimpan.";
      $("vocabulary-check").hidden = false;
      Staff.say("vocabulary-status", "", "");
    } catch (error) {
      Staff.say("vocabulary-status", error.message, "bad");
    }
  }

  async function saveLine() {
    try {
      const saved = await Staff.call("/admin/vocabulary", { method: "POST",
        json: { text: checkedLine } });
      $("vocabulary-check").hidden = true;
      $("vocabulary-input").value = "";
      Staff.say("vocabulary-status", "Tersimpan: " + saved.text +
        ". Berlaku untuk pencarian berikutnya.", "ok");
      loadVocabulary();
      load();
    } catch (error) {
      Staff.say("vocabulary-status", error.message, "bad");
    }
  }

  async function removeLine(item) {
    try {
      await Staff.call("/admin/vocabulary/" + item.id, { method: "DELETE" });
      Staff.say("vocabulary-status", "Dihapus: " + item.text + ".", "ok");
      loadVocabulary();
      load();
    } catch (error) {
      Staff.say("vocabulary-status", error.message, "bad");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("searches-form").addEventListener("submit", load);
    $("demand-csv").addEventListener("click", downloadCsv);
    $("vocabulary-form").addEventListener("submit", checkLine);
    $("vocabulary-input").addEventListener("input", () => { $("vocabulary-check").hidden = true; });
    $("vocabulary-save").addEventListener("click", saveLine);
  });
  document.addEventListener("staff:signed-in", () => { load(); loadVocabulary(); });
})();
