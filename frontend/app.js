/* Direktori UMKM Kota Malang: the search page and the business page's enhancements.
   No framework, no build step. Data reaches the page only as text nodes, never as HTML. */
(() => {
  'use strict';

  const { h, api, tanggal } = window.Direktori;
  const PER_PAGE = 20;
  const FILTERS = ['category', 'district', 'rubric', 'year', 'price', 'halal', 'qris', 'sentra',
    'subsector'];
  const TITLES = {
    category: 'Kategori', district: 'Kecamatan', rubric: 'Rubrik', year: 'Tahun tampil',
    price: 'Kisaran harga', halal: 'Halal', qris: 'Pembayaran', sentra: 'Sentra',
    subsector: 'Subsektor ekraf',
  };
  // Bands of the cheapest price, in the API's order (commerce.PRICE_BANDS).
  const PRICES = {
    lt10k: 'Di bawah Rp10.000', '10k-25k': 'Rp10.000–Rp25.000', '25k-50k': 'Rp25.000–Rp50.000',
    '50k-100k': 'Rp50.000–Rp100.000', '100k-500k': 'Rp100.000–Rp500.000', ge500k: 'Rp500.000 ke atas',
  };
  const FLAGS = { halal: { 1: 'Bersertifikat halal' }, qris: { 1: 'Bisa bayar QRIS' } };
  const KINDS = { name: 'usaha', product: 'produk', category: 'kategori', place: 'wilayah' };
  const SITE = 'Direktori UMKM Kota Malang';
  const $ = (id) => document.getElementById(id);

  /* Text with the [start, end) code-point ranges wrapped in <mark>. */
  function marked(text, ranges) {
    const chars = Array.from(text || '');
    const out = [];
    let at = 0;
    for (const [s, e] of (ranges || []).slice().sort((a, b) => a[0] - b[0])) {
      if (s < at || e <= s) continue;
      if (s > at) out.push(chars.slice(at, s).join(''));
      out.push(h('mark', null, chars.slice(s, e).join('')));
      at = e;
    }
    if (at < chars.length) out.push(chars.slice(at).join(''));
    return out;
  }

  const webUrl = (u) => (typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null);
  const enc = encodeURIComponent;

  /* ---- state in the URL ---- */
  function readState(search) {
    const p = new URLSearchParams(search);
    const s = {
      q: (p.get('q') || '').trim(),
      sort: p.get('sort') || '',
      page: Math.max(1, parseInt(p.get('page'), 10) || 1),
    };
    for (const f of FILTERS) s[f] = [...new Set(p.getAll(f).filter(Boolean))];
    const near = (p.get('near') || '').match(/^(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)$/);
    s.near = near ? near[0] : '';
    s.open_now = p.get('open_now') === '1' ? '1' : '';
    s.view = p.get('view') === 'peta' ? 'peta' : '';
    return s;
  }
  /* The page's URL keeps the view; the API is asked without it. */
  function toQuery(s, page = s.page, forApi = false) {
    const p = new URLSearchParams();
    if (s.q) p.set('q', s.q);
    for (const f of FILTERS) for (const v of s[f]) p.append(f, v);
    if (s.near) p.set('near', s.near);
    if (s.open_now) p.set('open_now', '1');
    if (s.sort) p.set('sort', s.sort);
    if (page > 1) p.set('page', page);
    if (s.view && !forApi) p.set('view', s.view);
    return p.toString();
  }
  const urlOf = (s) => '/' + (toQuery(s) ? '?' + toQuery(s) : '');
  const isHome = (s) => !s.q && !s.near && !s.open_now && FILTERS.every((f) => !s[f].length);
  const pointOf = (near) => (near ? near.split(',').map(Number) : null);
  const fresh = (patch) => Object.assign(readState(''), patch);

  /* ---- reference data: labels for facets, ways in on the home page ---- */
  let refPromise = null;
  function loadRef() {
    refPromise ||= Promise.all(['categories', 'districts', 'rubrics', 'sentra', 'subsectors']
      .map((r) => api('/' + r)))
      .then(([c, d, r, st, sub]) => ({
        categories: c.items, districts: d.items, rubrics: r.items,
        label: {
          category: Object.fromEntries(c.items.map((x) => [x.slug, x.label])),
          district: Object.fromEntries(d.items.map((x) => [x.slug, x.name])),
          rubric: Object.fromEntries(r.items.map((x) => [x.slug, x.label])),
          year: {},
          sentra: Object.fromEntries(st.items.map((x) => [x.slug, x.name])),
          subsector: Object.fromEntries(sub.items.map((x) => [x.slug, x.name])),
          price: PRICES,
          ...FLAGS,
        },
      }))
      .catch((e) => { refPromise = null; throw e; });
    return refPromise;
  }

  /* ---- where and when ---- */
  const jarak = (m) => (m < 1000 ? `${Math.max(10, Math.round(m / 10) * 10)} m`
    : `${(m / 1000).toFixed(m < 10000 ? 1 : 0).replace('.', ',')} km`);
  /* "Buka sekarang · tutup pukul 17.00", "Tutup · buka pukul 08.00", "Tutup sementara". */
  function hoursOf(b) {
    if (b.status === 'tutup') return ['closed', 'Sudah tutup'];
    if (b.status === 'tutup-sementara') return ['closed', 'Tutup sementara'];
    if (b.open_now == null) return null;
    const next = b.next_change ? ' · ' + b.next_change : '';
    return b.open_now ? ['open', 'Buka sekarang' + next] : ['shut', 'Tutup' + next];
  }
  function whereWhen(b) {
    const hrs = hoursOf(b);
    const dist = b.distance_m != null ? jarak(b.distance_m) : null;
    if (!hrs && !dist) return null;
    return h('p', { class: 'when' },
      hrs ? h('span', { class: 'hours ' + hrs[0] }, hrs[1]) : null,
      dist ? h('span', { class: 'dist' }, dist, h('span', { class: 'sr' }, ' dari lokasi Anda')) : null);
  }

  /* ---- cards ---- */
  // The first photo in a fixed 4:3 frame, lazy, WebP with a JPEG fallback; a tile without.
  function photo(b) {
    const p = b.photo;
    if (!p) {
      return h('div', { class: 'photo none', 'aria-hidden': 'true' },
        h('span', null, b.category_label || b.category));
    }
    const sizes = '(min-width: 60em) 22rem, (min-width: 40em) 45vw, 100vw';
    return h('a', { class: 'photo', href: '/b/' + enc(b.slug), tabindex: '-1', 'aria-hidden': 'true' },
      h('picture', null,
        h('source', { type: 'image/webp', srcset: p.srcset, sizes }),
        h('img', {
          src: p.src, srcset: p.srcset_jpeg, sizes, alt: '', width: p.width, height: p.height,
          loading: 'lazy', decoding: 'async',
        })));
  }

  function card(b, level, feature) {
    const hl = b.highlights || {}; // the API marks what matched the words searched for
    const f = feature || b.latest_feature;
    const c = b.contact || {};
    const wa = webUrl(c.whatsapp_url);
    const ig = webUrl(c.instagram_url);
    const route = b.status !== 'tutup' ? webUrl(b.directions_url) : null;
    const desc = hl.description && hl.description.text;
    return h('article', { class: 'card' },
      photo(b),
      h(level, { class: 'name' }, h('a', { href: '/b/' + enc(b.slug) }, marked(b.name, hl.name))),
      h('p', { class: 'badges' },
        h('span', { class: 'badge cat' }, b.category_label || b.category),
        f ? h('span', { class: 'badge rubric' }, (f.rubric_label || f.rubric) + ' · ',
          h('time', { datetime: f.featured_on }, tanggal(f.featured_on))) : null,
        b.sentra_name ? h('a', { class: 'badge cat', href: '/sentra/' + enc(b.sentra) }, b.sentra_name) : null,
        b.subsector_name ? h('span', { class: 'badge cat' }, 'Ekraf: ' + b.subsector_name) : null,
        b.halal_certified ? h('span', { class: 'badge halal' }, 'Halal') : null,
        b.qris ? h('span', { class: 'badge qris' }, 'QRIS') : null,
        b.fictional ? h('span', { class: 'badge fict' }, 'Contoh fiktif') : null),
      h('p', { class: 'place' }, `${b.kelurahan}, Kec. ${b.district}`),
      whereWhen(b),
      b.price_range ? h('p', { class: 'price' }, 'Harga ', h('strong', null, b.price_range)) : null,
      (b.products || []).length ? h('ul', { class: 'products', 'aria-label': 'Produk' },
        b.products.map((p, i) => h('li', null, marked(p, (hl.products || [])[i])))) : null,
      desc ? h('p', { class: 'snippet' }, '… ', marked(desc, hl.description.ranges), ' …') : null,
      wa || ig || route ? h('p', { class: 'actions' },
        route ? out('route', route, 'Petunjuk arah', ' ke ' + b.name) : null,
        wa ? out('wa', wa, 'WhatsApp', ' ' + b.name) : null,
        ig ? out('ig', ig, 'Instagram', ' ' + b.name) : null) : null);
  }
  /* A link away from the directory; a screen reader hears whose it is. */
  const out = (kind, href, label, whose) => h('a', { class: 'btn ' + kind, href, target: '_blank',
    rel: 'noopener' }, label, h('span', { class: 'sr' }, whose));

  /* ---- maps: Leaflet and map.js load only when a map is shown ---- */
  let mapCode = null;
  function mapKit() {
    mapCode ||= new Promise((resolve, reject) => {
      const el = h('script', { src: document.body.dataset.mapJs });
      el.addEventListener('load', () => window.DirektoriPeta.then(resolve, reject));
      el.addEventListener('error', () => { mapCode = null; reject(new Error('map script')); });
      document.head.append(el);
    });
    return mapCode;
  }

  function problem(retry, error) {
    const status = (error && error.status) || 0;
    // 429 (too many requests) and 503 (index busy) pass: waiting helps, rewording does not.
    if (status >= 400 && status < 500 && status !== 429) {
      return h('div', { class: 'alert', role: 'alert' },
        h('p', null, 'Pencarian ini tidak dapat diproses. Periksa kata pencarian atau saringan, lalu cari lagi.'),
        h('a', { class: 'btn', href: '/' }, 'Ke halaman awal'));
    }
    let text = 'Maaf, data belum bisa dimuat. Periksa sambungan internet Anda, lalu coba lagi.';
    if (status === 429 || status === 503) text = 'Layanan sedang sibuk. Tunggu sebentar, lalu coba lagi.';
    else if (status) text = 'Maaf, terjadi gangguan di server kami. Coba lagi sebentar lagi.';
    else if (error && !(error instanceof TypeError)) {
      // Not the network (fetch fails with a TypeError): a fault of this page. Say so, and
      // leave the error in the console instead of blaming the reader's connection.
      console.error(error);
      text = 'Maaf, halaman ini mengalami gangguan. Muat ulang halaman, lalu coba lagi.';
    }
    return h('div', { class: 'alert', role: 'alert' },
      h('p', null, text),
      h('button', { type: 'button', class: 'btn primary', onclick: retry }, 'Coba lagi'));
  }

  /* ---- the search page ---- */
  function searchPage() {
    const home = $('home'), results = $('results'), cards = $('cards'), message = $('message');
    const status = $('status'), more = $('more'), facets = $('facets'), sort = $('sort');
    const input = $('q'), notice = $('notice');
    const mapBox = $('map'), openNow = $('open-now'), nearMe = $('near-me'), geoMsg = $('geo-msg');
    const viewList = $('view-list'), viewMap = $('view-map');
    let map = null;
    let state = readState(location.search);
    let token = 0, ctrl = null, loaded = 0, total = 0, homeDone = false;
    // The results arrive after the browser would restore the scroll position, so the page
    // keeps it in its history entry and scrolls there itself once they are drawn.
    if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
    const savedY = (st) => (st && typeof st.y === 'number' ? st.y : null);
    let restoreY = savedY(history.state);
    let saveTimer = 0;
    const saveScroll = () => history.replaceState({ y: window.scrollY }, '');
    const restoreScroll = () => {
      if (restoreY != null) window.scrollTo({ top: restoreY, behavior: 'instant' });
      restoreY = null;
    };
    window.addEventListener('scroll', () => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(saveScroll, 150);
    }, { passive: true });
    window.addEventListener('pagehide', saveScroll);

    function go(s, { replace = false, focus = false } = {}) {
      clearTimeout(saveTimer);
      if (!replace) saveScroll();
      restoreY = null;
      history[replace ? 'replaceState' : 'pushState'](null, '', urlOf(s));
      show(s, focus);
    }

    function begin() {
      token += 1;
      if (ctrl) ctrl.abort();
      ctrl = new AbortController();
      message.replaceChildren();
      return token;
    }

    function show(s, focus) {
      state = s;
      input.value = s.q;
      if (isHome(s)) showHome(); else showResults(s, focus);
    }

    async function showHome() {
      const my = begin();
      results.hidden = true;
      home.hidden = false;
      document.title = SITE;
      status.textContent = '';
      if (homeDone) { restoreScroll(); return; }
      try {
        const [ref, feats] = await Promise.all([loadRef(), api('/features?per_page=6', { signal: ctrl.signal })]);
        if (my !== token) return;
        $('latest').replaceChildren(...feats.items.map((f) => card(f.business, 'h3', f)));
        const way = (href, label, n) => h('li', null,
          h('a', { href, 'data-nav': true }, label, ' ',
            h('span', { class: 'n' }, String(n), h('span', { class: 'sr' }, ' usaha'))));
        $('cats').replaceChildren(...ref.categories.filter((c) => c.count)
          .map((c) => way('/?category=' + enc(c.slug), c.label, c.count)));
        $('dists').replaceChildren(...ref.districts
          .map((d) => way('/?district=' + enc(d.slug), d.name, d.count)));
        homeDone = true;
        restoreScroll();
      } catch (e) {
        if (my === token && e.name !== 'AbortError') message.replaceChildren(problem(showHome, e));
      }
    }

    async function showResults(s, focus) {
      const my = begin();
      home.hidden = true;
      results.hidden = false;
      cards.setAttribute('aria-busy', 'true');
      status.textContent = 'Memuat…';
      document.title = (s.q ? `“${s.q}”` : 'Daftar usaha') + ' · ' + SITE;
      try {
        // Reloading ?page=3 shows pages 1-3 again, as "load more" had left them.
        const perPage = Math.min(100, PER_PAGE * s.page);
        const [ref, data] = await Promise.all([loadRef(),
          api(`/businesses?${toQuery(s, 1, true)}&per_page=${s.view ? 100 : perPage}`,
            { signal: ctrl.signal })]);
        if (my !== token) return;
        render(s, ref, data, focus);
      } catch (e) {
        if (my !== token || e.name === 'AbortError') return;
        results.hidden = true; // the message alone, not an empty list beside it
        message.replaceChildren(problem(() => showResults(s, focus), e));
      } finally {
        if (my === token) cards.removeAttribute('aria-busy');
      }
    }

    function render(s, ref, data, focus) {
      const level = 'h2';
      $('h-results').textContent = s.q ? `Hasil untuk “${s.q}”` : 'Daftar usaha';
      renderFacets(s, ref, data.facets || {});
      renderActive(s, ref);
      sort.options[0].textContent = s.near ? 'Terdekat' : s.q ? 'Paling cocok' : 'Terbaru tampil';
      sort.options[1].hidden = !s.q && !s.near;
      sort.value = (s.sort === 'newest' && !s.q && !s.near) || (s.sort === 'distance' && s.near) ? '' : s.sort;
      openNow.checked = !!s.open_now;
      viewList.setAttribute('aria-pressed', String(!s.view));
      viewMap.setAttribute('aria-pressed', String(!!s.view));
      cards.hidden = !!s.view;
      cards.replaceChildren(...(s.view ? [] : data.items.map((b) => card(b, level))));
      loaded = s.view ? 0 : data.items.length;
      total = data.total;
      more.hidden = !!s.view || loaded >= total;
      status.textContent = total ? `${total} usaha ditemukan` : 'Tidak ada usaha yang cocok';
      showMap(s, data);
      // Below the heading, where the results would be; a few typo matches get the hint too.
      notice.replaceChildren(total ? didYouMean(s, data.suggestion) || '' : empty(s, data.suggestion));
      if (focus) $('h-results').focus();
      restoreScroll();
    }

    async function showMap(s, data) {
      if (map) { map.destroy(); map = null; }
      mapBox.hidden = !s.view || !data.total;
      if (mapBox.hidden) return;
      const my = token;
      const note = $('map-note');
      try {
        const peta = await mapKit();
        if (my !== token) return;
        map = peta.results(mapBox, data.items, (b) => card(b, 'h3'), pointOf(s.near));
        const missing = data.items.length - map.located;
        note.textContent = [data.total > data.items.length ? `Peta menampilkan ${data.items.length} usaha pertama dari ${data.total}.` : '',
          missing ? `${missing} usaha belum punya titik lokasi.` : ''].filter(Boolean).join(' ');
      } catch (e) {
        if (my !== token) return;
        console.error(e);
        mapBox.hidden = true;
        note.textContent = 'Peta tidak dapat dimuat. Daftar usaha tetap tersedia.';
      }
    }

    function didYouMean(s, suggestion) {
      return suggestion && suggestion !== s.q ? h('p', { class: 'didyoumean' }, 'Mungkin maksud Anda ',
        h('a', { href: urlOf({ ...s, q: suggestion, page: 1 }), 'data-nav': true }, suggestion), '?') : null;
    }

    function empty(s, suggestion) {
      const anyFilter = FILTERS.some((f) => s[f].length) || s.open_now;
      return h('div', { class: 'empty' },
        h('p', null, s.q ? `Tidak ada usaha yang cocok dengan “${s.q}”.` : 'Tidak ada usaha dengan saringan ini.'),
        didYouMean(s, suggestion),
        h('p', null, 'Coba kata lain yang lebih umum, misalnya “keripik” atau “batik”.'),
        anyFilter ? h('p', null, h('button', {
          type: 'button', class: 'btn',
          onclick: () => go(fresh({ q: s.q, near: s.near, view: s.view }), { focus: true }),
        }, 'Hapus semua saringan')) : null);
    }

    function renderFacets(s, ref, counts) {
      const keep = document.activeElement && facets.contains(document.activeElement)
        ? document.activeElement.id : null;
      const groups = FILTERS.map((f) => {
        const c = counts[f] || {};
        let keys;
        if (f === 'year') keys = [...new Set([...Object.keys(c), ...s.year])].sort().reverse();
        else keys = Object.keys(ref.label[f]); // halal and qris: only "1" has a label
        keys = keys.filter((k) => c[k] || s[f].includes(k));
        if (!keys.length) return null;
        return h('fieldset', null, h('legend', null, TITLES[f]),
          keys.map((k) => {
            const id = `f-${f}-${k}`;
            return h('div', { class: 'opt' },
              h('input', { type: 'checkbox', id, name: f, value: k, checked: s[f].includes(k) }),
              h('label', { for: id }, ref.label[f][k] || k, ' ', h('span', { class: 'n' }, `(${c[k] || 0})`)));
          }));
      });
      facets.replaceChildren(...groups.filter(Boolean));
      $('filters').hidden = !groups.some(Boolean); // nothing to narrow: no empty panel
      const active = FILTERS.reduce((n, f) => n + s[f].length, 0);
      $('fcount').textContent = active ? `(${active} aktif)` : '';
      if (keep && $(keep)) $(keep).focus();
    }

    function renderActive(s, ref) {
      const chip = (label, name, next) => h('li', null, h('button', {
        type: 'button', class: 'chip', 'aria-label': `Hapus saringan ${name}`,
        onclick: () => go({ ...next, page: 1 }, { focus: true }),
      }, label, h('span', { 'aria-hidden': 'true' }, ' ×')));
      $('active').replaceChildren(
        ...(s.near ? [chip('Dekat lokasi Anda', 'Dekat lokasi Anda', { ...s, near: '', sort: s.sort === 'distance' ? '' : s.sort })] : []),
        ...(s.open_now ? [chip('Buka sekarang', 'Buka sekarang', { ...s, open_now: '' })] : []),
        ...FILTERS.flatMap((f) => s[f].map((v) => {
          const label = ref.label[f][v] || v;
          return chip(label, `${TITLES[f]}: ${label}`, { ...s, [f]: s[f].filter((x) => x !== v) });
        })));
    }

    facets.addEventListener('change', () => {
      const next = { ...state, page: 1 };
      for (const f of FILTERS) {
        next[f] = [...facets.querySelectorAll(`input[name="${f}"]:checked`)].map((i) => i.value);
      }
      go(next);
    });
    sort.addEventListener('change', () => go({ ...state, sort: sort.value, page: 1 }));
    openNow.addEventListener('change', () => go({ ...state, open_now: openNow.checked ? '1' : '', page: 1 }));
    viewList.addEventListener('click', () => { if (state.view) go({ ...state, view: '' }); });
    viewMap.addEventListener('click', () => { if (!state.view) go({ ...state, view: 'peta' }); });

    /* "Dekat saya": the browser asks for the location only now, when it is tapped. */
    const GEO_ERRORS = {
      1: 'Izin lokasi tidak diberikan, jadi daftar tidak diurutkan menurut jarak. Untuk memakai “Dekat saya”, izinkan akses lokasi untuk situs ini di pengaturan peramban.',
      2: 'Lokasi Anda tidak dapat ditentukan saat ini. Daftar tetap seperti semula; coba lagi nanti.',
      3: 'Lokasi Anda terlalu lama ditemukan. Daftar tetap seperti semula; coba lagi.',
    };
    const sayGeo = (text, bad) => {
      geoMsg.textContent = text;
      geoMsg.className = bad ? 'geo-msg bad' : 'geo-msg';
    };
    nearMe.addEventListener('click', () => {
      if (!navigator.geolocation) {
        sayGeo('Peramban ini tidak dapat memberi tahu lokasi Anda. Daftar tetap seperti semula.', true);
        return;
      }
      nearMe.disabled = true;
      sayGeo('Mencari lokasi Anda…');
      navigator.geolocation.getCurrentPosition((pos) => {
        nearMe.disabled = false;
        sayGeo('');
        // Four decimals (about 10 m) are enough to sort by; the URL keeps no more.
        const near = `${pos.coords.latitude.toFixed(4)},${pos.coords.longitude.toFixed(4)}`;
        go({ ...state, near, sort: '', page: 1 }, { focus: true });
      }, (err) => {
        nearMe.disabled = false;
        sayGeo(GEO_ERRORS[err.code] || GEO_ERRORS[2], true);
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
    });

    more.addEventListener('click', async () => {
      const page = Math.floor(loaded / PER_PAGE) + 1;
      const my = token;
      more.disabled = true;
      try {
        const data = await api(`/businesses?${toQuery(state, page, true)}&per_page=${PER_PAGE}`);
        if (my !== token) return;
        const added = data.items.map((b) => card(b, 'h2'));
        cards.append(...added);
        loaded += added.length;
        total = data.total;
        more.hidden = loaded >= total || !added.length;
        state = { ...state, page };
        history.replaceState({ y: window.scrollY }, '', urlOf(state));
        status.textContent = `Menampilkan ${loaded} dari ${total} usaha`;
        if (added.length) added[0].querySelector('a').focus();
      } catch (e) {
        message.replaceChildren(problem(() => { message.replaceChildren(); more.click(); }, e));
      } finally {
        more.disabled = false;
      }
    });

    $('search').addEventListener('submit', (e) => {
      e.preventDefault();
      const q = input.value.trim();
      // New words start a new search, as marketplaces and maps do: the filters and sort
      // chosen for the old words would silently hide results of the new ones. The same
      // words again (Enter pressed twice) keep them.
      go(q === state.q ? { ...state, page: 1 } : fresh({ q }));
    });
    // Links to other states of this page (ways in, "did you mean") stay on the page.
    document.addEventListener('click', (e) => {
      const a = e.target.closest && e.target.closest('a[data-nav]');
      if (!a || e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      go(readState(new URL(a.href).search), { focus: true });
    });
    window.addEventListener('popstate', (e) => {
      restoreY = savedY(e.state) || 0;
      show(readState(location.search));
    });
    if (matchMedia('(min-width: 60em)').matches) $('filters').open = true;

    show(state);
    return (s) => go(s, { focus: true });
  }

  /* ---- suggestions: the ARIA 1.2 combobox with a listbox popup ---- */
  function suggestions(input, list, pick) {
    // `asked` counts the requests; an answer to an older one (or one the search overtook) is dropped.
    let items = [], active = -1, timer = 0, ctrl = null, asked = 0;
    const live = h('span', { class: 'sr', role: 'status' });
    list.after(live);

    function paint() {
      list.replaceChildren(...items.map((it, i) => h('li', {
        id: `sg-${i}`, role: 'option', 'aria-selected': String(i === active),
        onmousedown: (e) => e.preventDefault(),
        onclick: () => choose(i),
      }, it.text, KINDS[it.kind] ? h('span', { class: 'kind' }, KINDS[it.kind]) : null)));
      const open = items.length > 0;
      list.hidden = !open;
      input.setAttribute('aria-expanded', String(open));
      if (active >= 0) input.setAttribute('aria-activedescendant', `sg-${active}`);
      else input.removeAttribute('aria-activedescendant');
    }
    function close() { items = []; active = -1; paint(); }
    function choose(i) { const it = items[i]; close(); pick(it); }
    /* The search has started: what is typed, waiting or on its way must not open the list over
       the results, where a tap meant for them would run another search. */
    function cancel() {
      clearTimeout(timer);
      asked += 1;
      if (ctrl) ctrl.abort();
      ctrl = null;
      close();
    }

    async function fetchFor(q) {
      if (ctrl) ctrl.abort();
      ctrl = new AbortController();
      const mine = ++asked;
      let data;
      try {
        data = await api(`/suggest?q=${enc(q)}`, { signal: ctrl.signal });
      } catch (e) { // suggestions are a nicety; the search still works
        if (mine === asked && e.status) close();
        return;
      }
      if (mine !== asked || input.value.trim() !== q || document.activeElement !== input) return;
      items = (data.items || []).filter((it) => it && it.text).slice(0, 10);
      active = -1;
      paint();
      live.textContent = items.length ? `${items.length} saran. Pilih dengan panah atas atau bawah.` : '';
    }

    input.addEventListener('input', () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(() => fetchFor(q), 180);
    });
    input.addEventListener('keydown', (e) => {
      if (!items.length) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = items.length;
        active = e.key === 'ArrowDown' ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1);
        paint();
      } else if (e.key === 'Enter' && active >= 0) {
        e.preventDefault();
        choose(active);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        close();
      } else if (e.key === 'Tab') {
        close();
      }
    });
    input.addEventListener('blur', () => { clearTimeout(timer); close(); });
    if (input.form) input.form.addEventListener('submit', cancel);
    return cancel;
  }

  /* A picked category or kecamatan becomes a filter; anything else a query. */
  async function stateFor(item) {
    let ref = null;
    try { ref = await loadRef(); } catch (e) { /* fall back to a text query */ }
    const find = (list, key) => (list || []).find((x) => x[key].toLowerCase() === item.text.toLowerCase());
    const cat = item.kind === 'category' && ref && find(ref.categories, 'label');
    if (cat) return fresh({ category: [cat.slug] });
    const dist = item.kind === 'place' && ref && find(ref.districts, 'name');
    if (dist) return fresh({ district: [dist.slug] });
    return fresh({ q: item.text });
  }

  /* ---- the business page: server-rendered, lightly enhanced ---- */
  function businessPage() {
    const box = $('map');
    if (box && box.dataset.lat) {
      const b = { name: box.dataset.name, status: box.dataset.status,
        open_now: box.dataset.open === 'true',
        location: { lat: Number(box.dataset.lat), lon: Number(box.dataset.lon) } };
      mapKit().then((peta) => { box.hidden = false; peta.business(box, b); })
        .catch(() => { box.hidden = true; });
    }
    const back = $('back');
    const ref = document.referrer ? new URL(document.referrer) : null;
    // Coming from our own search, "back" returns to it exactly as it was left.
    if (back && ref && ref.origin === location.origin && ref.pathname === '/' && history.length > 1) {
      back.textContent = '← Kembali ke hasil pencarian';
      back.addEventListener('click', (e) => { e.preventDefault(); history.back(); });
    }
    if ($('share')) shareButton($('share'), $('share-status'));
  }

  /* Share the page through the phone's own share sheet (Web Share API); where there is none,
     copy the link; where even that is refused, show the link selected, to copy by hand. */
  function shareButton(button, said) {
    const canonical = document.querySelector('link[rel="canonical"]');
    const url = canonical ? canonical.href : location.href;
    const name = (document.querySelector('h1') || {}).textContent || document.title;
    button.hidden = false;
    button.addEventListener('click', async () => {
      said.replaceChildren();
      if (navigator.share) {
        try {
          await navigator.share({ title: name, text: `${name} di ${SITE}`, url });
          return;
        } catch (e) {
          if (e && e.name === 'AbortError') return; // closed the sheet: nothing to say
        }
      }
      try {
        await navigator.clipboard.writeText(url);
        said.textContent = 'Tautan disalin. Tempel di pesan atau media sosial untuk membagikannya.';
      } catch (e) {
        const field = h('input', { type: 'text', class: 'share-url', readonly: true, value: url,
          'aria-label': 'Tautan halaman ini', onfocus: (ev) => ev.target.select() });
        said.replaceChildren(h('span', null, 'Salin tautan ini untuk membagikannya:'), field);
        field.focus();
      }
    });
  }

  const input = $('q');
  const navigate = $('results') ? searchPage() : (businessPage(), (s) => location.assign(urlOf(s)));
  if (input && $('suggest')) {
    suggestions(input, $('suggest'), async (item) => {
      input.value = item.text;
      navigate(await stateFor(item));
    });
  }
})();
