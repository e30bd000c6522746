// Halaman staf, bagian 5: what citizens searched for (GET /api/v1/admin/searches...).
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
      rows.append(Staff.el("tr")).lastChild.append(Staff.el("td", empty, { colspan: "4" }));
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
        rows.append(Staff.el("tr")).lastChild.append(
          Staff.el("td", "Semua yang dicari sudah ditawarkan.", { colspan: "4" }));
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

  document.addEventListener("DOMContentLoaded", () => {
    $("searches-form").addEventListener("submit", load);
    $("demand-csv").addEventListener("click", downloadCsv);
  });
  document.addEventListener("staff:signed-in", () => load());
})();
