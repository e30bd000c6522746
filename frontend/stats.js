// The Statistik page: charts drawn as inline SVG from GET /api/v1/stats, each with its table.
// Data only ever becomes text nodes (common.js's builders); nothing is parsed as HTML.
"use strict";

const {h: html, svg, api, BULAN, tanggal} = window.Direktori;
const COLOURS = ["#0b5d4b", "#c35a00", "#5a4fcf"]; // also .swatch-0..2 in stats.css

const number = (n) => Number(n).toLocaleString("id-ID");

// "2021-05" -> "Mei 2021"; short for an axis: "Agu 2021".
function monthLabel(month, long) {
  const [year, m] = month.split("-").map(Number);
  return (long ? BULAN[m - 1] : BULAN[m - 1].slice(0, 3)) + " " + year;
}

// The top of the axis: four whole, round steps (1, 2, 5, 10, 20, 50, ...) above `value`.
function niceMax(value) {
  const raw = Math.max(1, value / 4);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw);
  return step * 4;
}

function chartFrame(id, title, description, width, height) {
  const root = svg("svg", {viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-labelledby": `${id}-title ${id}-desc`});
  root.append(svg("title", {id: `${id}-title`}, title), svg("desc", {id: `${id}-desc`}, description));
  return root;
}

// Stacked columns: one per month, one colour per rubric.
// Drawn at the width it is shown at (up to 900), so its 12px labels stay 12px on a phone
// instead of shrinking with a 900-wide drawing.
function widthOf(id) {
  return Math.round(Math.min(900, Math.max(280, document.getElementById(id).clientWidth || 900)));
}

function monthsChart(stats, width = 900) {
  const months = stats.by_month;
  const rubrics = stats.by_rubric;
  const height = width < 600 ? 220 : 320, left = 40, bottom = 40, top = 12, right = 10;
  const plotW = width - left - right, plotH = height - top - bottom;
  const max = niceMax(Math.max(1, ...months.map((m) => m.appearances)));
  const root = chartFrame("months", "Penampilan per bulan menurut rubrik",
    `Grafik batang bertumpuk, ${months.length} bulan; angka lengkapnya ada di tabel di bawah.`,
    width, height);
  for (let i = 0; i <= 4; i++) {
    const value = (max / 4) * i;
    const y = top + plotH - (value / max) * plotH;
    root.append(svg("line", {class: "grid", x1: left, x2: width - right, y1: y, y2: y}));
    root.append(svg("text", {x: left - 6, y: y + 4, "text-anchor": "end"}, number(value)));
  }
  const step = plotW / Math.max(1, months.length);
  const barW = Math.max(1, step * 0.8);
  const yearsPerLabel = Math.ceil(60 / (12 * step));
  months.forEach((month, i) => {
    const x = left + i * step + (step - barW) / 2;
    let y = top + plotH;
    rubrics.forEach((rubric, r) => {
      const count = month.by_rubric[rubric.slug] || 0;
      if (!count) return;
      const h = (count / max) * plotH;
      y -= h;
      const bar = svg("rect", {x, y, width: barW, height: h, fill: COLOURS[r % COLOURS.length]});
      bar.append(svg("title", {}, `${monthLabel(month.month, true)} · ${rubric.label}: ${number(count)}`));
      root.append(bar);
    });
    // Every January (every 2nd, 3rd... year when a year is narrower than a label) and the
    // first month, unless it would run into the next label.
    const [year, m] = month.month.split("-").map(Number);
    if ((m === 1 && year % yearsPerLabel === 0) || (i === 0 && (13 - m) * step >= 60)) {
      root.append(svg("text", {x: x + barW / 2, y: height - bottom + 16, "text-anchor": "middle"},
        monthLabel(month.month, false)));
    }
  });
  root.append(svg("line", {class: "axis", x1: left, x2: width - right, y1: top + plotH, y2: top + plotH}));
  return root;
}

// Horizontal bars: one per row, the number at the end of the bar.
function barsChart(id, title, rows, width = 900) {
  const rowH = 30, left = width < 600 ? 158 : 170, right = width < 600 ? 36 : 70, top = 6;
  const height = top * 2 + rows.length * rowH;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const root = chartFrame(id, title,
    `Grafik batang, ${rows.length} baris; angka lengkapnya ada di tabel di bawah.`, width, height);
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const w = ((width - left - right) * row.value) / max;
    root.append(svg("text", {x: left - 8, y: y + rowH / 2 + 4, "text-anchor": "end"}, row.label));
    root.append(svg("rect", {x: left, y: y + 5, width: Math.max(w, row.value ? 2 : 0),
      height: rowH - 10, fill: COLOURS[0]}));
    root.append(svg("text", {class: "value", x: left + w + 6, y: y + rowH / 2 + 4}, number(row.value)));
  });
  return root;
}

function table(caption, headers, rows) {
  const head = html("tr", {}, ...headers.map((h, i) =>
    html("th", {scope: "col", class: i ? "num" : ""}, h)));
  const body = rows.map((cells) => html("tr", {}, ...cells.map((cell, i) =>
    i ? html("td", {class: "num"}, cell) : html("th", {scope: "row"}, cell))));
  return html("table", {}, html("caption", {}, caption), html("thead", {}, head),
    html("tbody", {}, ...body));
}

// A table wider than the phone scrolls inside its box: say so above it, as long as it does
// (the shadows of stats.css show which side has more), so no number is cut off unseen.
function markScrollable(wrap) {
  const hint = html("p", {class: "scroll-hint", id: `${wrap.id}-hint`},
    "Geser tabel ke samping untuk melihat semua kolom →");
  hint.hidden = true;
  wrap.before(hint);
  const update = () => {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    hint.hidden = !scrolls;
    if (scrolls) wrap.setAttribute("aria-describedby", hint.id);
    else wrap.removeAttribute("aria-describedby");
  };
  new ResizeObserver(update).observe(wrap);
  update();
}

function link(text, href) {
  return html("a", {href}, text);
}

function render(stats) {
  const t = stats.totals;
  const span = t.first_featured_on
    ? ` dari ${monthLabel(t.first_featured_on.slice(0, 7), true)} sampai ${monthLabel(t.last_featured_on.slice(0, 7), true)}`
    : "";
  document.getElementById("summary").textContent =
    `${number(t.featured_businesses)} usaha berbeda tampil ${number(t.appearances)} kali di rubrik Pemkot Malang${span}.`;
  renderContext(stats);
  if (t.fictional_businesses) {
    const note = document.getElementById("fictional");
    note.textContent = `${number(t.fictional_businesses)} usaha di sini adalah data contoh rekaan, bukan usaha nyata.`;
    note.hidden = false;
  }

  document.getElementById("chart-months").replaceChildren(monthsChart(stats, widthOf("chart-months")));
  document.getElementById("legend-months").replaceChildren(...stats.by_rubric.map((rubric, r) =>
    html("li", {}, html("span", {class: `swatch swatch-${r % COLOURS.length}`, "aria-hidden": "true"}),
      `${rubric.label} (${number(rubric.appearances)})`)));
  document.getElementById("table-months").replaceChildren(table(
    "Penampilan per bulan menurut rubrik",
    ["Bulan", ...stats.by_rubric.map((r) => r.label), "Jumlah"],
    stats.by_month.map((m) => [monthLabel(m.month, true),
      ...stats.by_rubric.map((r) => number(m.by_rubric[r.slug] || 0)), number(m.appearances)])));

  breakdown("kecamatan", "Kecamatan", stats.by_kecamatan, (k) => k.name, "district");
  breakdown("category", "Kategori", stats.by_category, (c) => c.label, "category");
  document.querySelectorAll(".table-wrap").forEach(markScrollable);
}

// Businesses per kecamatan or category: a bar chart, and a table with a CSV of each row.
function breakdown(id, noun, rows, labelOf, filter) {
  const title = `Usaha per ${noun.toLowerCase()}`;
  document.getElementById(`chart-${id}`).replaceChildren(barsChart(id, title,
    rows.map((row) => ({label: labelOf(row), value: row.businesses})), widthOf(`chart-${id}`)));
  document.getElementById(`table-${id}`).replaceChildren(table(title,
    [noun, "Usaha", "Penampilan", "Bersertifikat halal", "Ber-NIB", "Unduh"],
    rows.map((row) => [labelOf(row), number(row.businesses), number(row.appearances),
      number(row.halal_certified || 0), number(row.with_nib || 0),
      link("CSV", `/api/v1/export/businesses.csv?${filter}=${encodeURIComponent(row.slug)}&bom=1&delimiter=semicolon`)])));
}

// "Reach known for 93 of 156 posts": a sum over some posts is never shown as a total.
function reachText(figure) {
  if (figure.sum === null) return `belum diketahui (0 dari ${number(figure.posts)} unggahan)`;
  if (figure.complete) return `${number(figure.sum)} akun (semua ${number(figure.posts)} unggahan)`;
  return `setidaknya ${number(figure.sum)} akun (diketahui untuk ${number(figure.posts_with_reach)} dari ${number(figure.posts)} unggahan)`;
}

function renderContext(stats) {
  const t = stats.totals, register = stats.city_register;
  const set = (id, ...nodes) => document.getElementById(id).replaceChildren(...nodes);
  const registered = register.find((r) => r.key === "registered_umkm");
  set("register-lead", registered
    ? `${number(t.featured_businesses)} usaha yang pernah tampil di rubrik adalah sebagian kecil dari ${number(registered.value)} UMKM yang terdaftar (${registered.as_of_label}). Angka kota di bawah ini dicantumkan sebagai pembanding, lengkap dengan sumber dan tanggalnya.`
    : `${number(t.featured_businesses)} usaha pernah tampil di rubrik.`);
  // A list, not a table: each figure keeps its source and date beside it on a phone too.
  set("table-register", html("ul", {class: "figures"},
    html("li", {}, html("strong", {}, number(t.featured_businesses)),
      " usaha berbeda pernah tampil di rubrik ",
      html("span", {class: "source"}, `(direktori ini, sampai ${t.last_featured_on ? tanggal(t.last_featured_on) : "-"})`)),
    ...register.map((r) => html("li", {}, html("strong", {}, number(r.value)), ` ${r.label_id} `,
      html("span", {class: "source"}, `(${r.as_of_label}; sumber: ${r.source})`)))));

  const reach = stats.reach;
  set("reach-lead", `Jumlah akun yang dijangkau unggahan: ${reachText(reach.total)}. Angka jangkauan hanya diketahui untuk sebagian unggahan: tanda ≥ berarti "setidaknya", karena tidak semua unggahan dalam kelompok itu punya angka.`);
  // "≥": a sum over the posts with a figure, when some had none (a lower bound).
  const sumCell = (f) => f.sum === null ? "–" : (f.complete ? "" : "≥ ") + number(f.sum);
  // Two columns, so "known for N of M posts" stays beside the sum on a 360 px phone.
  const row = (label, f) => [label, html("span", {}, sumCell(f), html("br"),
    html("small", {}, `diketahui ${number(f.posts_with_reach)} dari ${number(f.posts)} unggahan`))];
  set("table-reach", table("Jangkauan menurut rubrik, kecamatan, kategori dan tahun",
    ["Kelompok", "Akun dijangkau"],
    [...reach.by_rubric.map((r) => row(r.label, r)),
     ...reach.by_kecamatan.map((k) => row(`Kec. ${k.name} (${k.code})`, k)),
     ...reach.by_category.filter((c) => c.posts).map((c) => row(c.label, c)),
     ...reach.by_year.map((y) => row(`Tahun ${y.year}`, y))]));

  const c = stats.cadence;
  set("cadence-lead", c.weeks
    ? `Rubrik tampil di ${number(c.weeks_with_post)} dari ${number(c.weeks)} minggu sejak unggahan pertama, rata-rata ${c.posts_per_month.toLocaleString("id-ID")} unggahan per bulan. Jeda terpanjang antara dua unggahan: ${number(c.longest_gap_days)} hari.`
    : "Belum ada unggahan.");
  set("table-gaps", c.gaps.length ? table("Jeda lebih dari dua minggu tanpa unggahan",
    ["Dari", "Sampai", "Hari"], c.gaps.map((g) => [tanggal(g.from), tanggal(g.to), number(g.days)])) : "");

  set("table-sentra", table("Usaha per sentra", ["Sentra", "Usaha", "Penampilan"],
    stats.by_sentra.map((s) => [link(s.name, `/sentra/${encodeURIComponent(s.slug)}`),
      number(s.businesses), number(s.appearances)])));
  set("table-subsector", table("Usaha per subsektor ekonomi kreatif", ["Subsektor", "Usaha", "Penampilan"],
    stats.by_subsector.map((s) => [s.name, number(s.businesses), number(s.appearances)])));
}

// How many are registered, certified and can be bought from online: counts and shares.
function renderLegal(t) {
  const share = (n) => (t.businesses ? ` (${Math.round((100 * n) / t.businesses)}%)` : "");
  const rows = [
    ["Bersertifikat halal (BPJPH)", t.halal_certified, "/api/v1/export/businesses.csv?halal=1&bom=1&delimiter=semicolon"],
    ["Punya NIB (terdaftar di OSS)", t.with_nib, null],
    ["Punya P-IRT", t.with_pirt, null],
    ["Menerima QRIS", t.accept_qris, "/api/v1/export/businesses.csv?qris=1&bom=1&delimiter=semicolon"],
    ["Mencantumkan harga", t.with_price, null],
    ["Bisa dipesan daring (GoFood, Shopee, …)", t.with_order_links, null],
    ["Punya foto", t.with_photos, null],
  ];
  document.getElementById("table-legal").replaceChildren(table(
    `Dari ${number(t.businesses)} usaha`, ["Keterangan", "Usaha", "Unduh"],
    rows.map(([label, n, href]) => [label, number(n || 0) + share(n || 0),
      href ? link("CSV", href) : "—"])));
}

api("/stats")
  .then((stats) => { render(stats); renderLegal(stats.totals); })
  .catch((error) => {
    const why = error.status ? `HTTP ${error.status}` : error.message;
    document.getElementById("summary").textContent = `Angka tidak dapat dimuat (${why}). Coba muat ulang halaman.`;
  });
