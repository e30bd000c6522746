/* Direktori UMKM Kota Malang: what every page's script shares (window.Direktori), loaded
   before it. One DOM builder, one way to ask the API, dates the Indonesian way. */
(() => {
  'use strict';

  /* Data never becomes HTML: children go in as text or nodes, values as attribute text;
     an "on..." key takes a function only. */
  function fill(node, props, kids) {
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (!k.startsWith('on')) node.setAttribute(k, v === true ? '' : v);
      else if (typeof v === 'function') node.addEventListener(k.slice(2), v);
      else throw new TypeError(k + ' takes a function');
    }
    for (const kid of kids.flat()) if (kid != null && kid !== false && kid !== '') node.append(kid);
    return node;
  }
  /* h('a', { href }, 'text', node, [more]): an element; svg(...) the same for charts. */
  const h = (tag, props, ...kids) => fill(document.createElement(tag), props, kids);
  const svg = (tag, props, ...kids) =>
    fill(document.createElementNS('http://www.w3.org/2000/svg', tag), props, kids);

  // The API's messages are English; people read the status in Indonesian, the message after.
  const STATUS_TEXT = {
    401: 'Token tidak berlaku.', 404: 'Data tidak ditemukan.',
    409: 'Bentrok dengan data yang sudah ada.', 413: 'Berkas terlalu besar.',
    415: 'Berkas bukan foto JPEG, PNG, WebP atau HEIC (atau jenisnya tidak sesuai namanya).',
    422: 'Isian belum benar.', 429: 'Terlalu banyak permintaan; tunggu sebentar.',
    503: 'Indeks sedang sibuk; coba lagi sebentar lagi.',
  };

  /* An answer other than 2xx, from the project's one error shape: {error: {message, fields}}. */
  class ApiFailure extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      let message = STATUS_TEXT[status] || 'Permintaan gagal (status ' + status + ').';
      if (error.fields) {
        message += ' ' + Object.entries(error.fields)
          .map(([field, reasons]) => field + ': ' + [].concat(reasons).join(', ')).join('; ');
      } else if (error.message) {
        message += ' Rincian: ' + error.message;
      }
      super(message);
      this.status = status;
    }
  }

  /* Ask /api/v1 (send `json` or a `body`); resolve to the JSON, 204 to null. Rejects with
     an ApiFailure, fetch's TypeError offline, an AbortError on `signal`. */
  async function api(path, options = {}) {
    const init = { ...options, headers: { Accept: 'application/json', ...options.headers } };
    if (init.json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(init.json);
    }
    const r = await fetch('/api/v1' + path, init);
    if (!r.ok) throw new ApiFailure(r.status, await r.json().catch(() => null));
    return r.status === 204 ? null : r.json();
  }

  // Python has its own table (directory/importers/messages.py) for the pages it writes.
  const BULAN = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus',
    'September', 'Oktober', 'November', 'Desember'];
  // The API's times are UTC; Malang reads WIB, always UTC+7 (no daylight saving).
  const WIB = 7 * 3600e3;
  const moment = (iso) => new Date(/Z|[+-]\d\d:\d\d$/.test(iso) ? iso : iso + 'Z');

  /* '2021-05-07' -> '7 Mei 2021'; a time gives its day in Malang. */
  function tanggal(iso) {
    if (!iso) return '';
    const at = iso.length > 10 ? moment(iso) : null;
    if (at && isNaN(at)) return iso;
    const [y, m, d] = (at ? new Date(+at + WIB).toISOString() : iso).slice(0, 10).split('-');
    return `${+d} ${BULAN[m - 1]} ${y}`;
  }
  /* '2025-06-06T11:34:00Z' -> '6 Jun 2025, 18.34'. */
  function waktuWIB(iso) {
    const at = moment(iso);
    return isNaN(at) ? iso : at.toLocaleString('id-ID', { timeZone: 'Asia/Jakarta',
      day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }
  const todayWIB = () => new Date(Date.now() + WIB).toISOString().slice(0, 10);

  window.Direktori = { h, svg, api, ApiFailure, BULAN, tanggal, waktuWIB, todayWIB };
})();
