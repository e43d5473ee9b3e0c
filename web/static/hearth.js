// hearth.js: enhancement only. Every page works without it; with it,
//  - forms marked data-swap (favourite, follow, join) apply without a
//    reload: the form posts in the background and the server's own HTML for
//    the marked element replaces it, so the page and the server never
//    disagree about state;
//  - streams marked data-live hold new posts behind an "N new posts" button,
//    fed by the streaming API (server-sent events; data-live names the
//    stream: "user", "public", "hashtag?tag=x", "group?group=7"), and drop
//    deleted ones;
//  - the notification badge (and the tab's title) counts up as
//    notifications arrive;
//  - the composer's Preview button shows the rendered Markdown in place;
//  - relative times ("5 min") stay fresh;
//  - the phone's "More" menu closes on Escape or a click outside it;
//  - the composer uploads attachments as they are chosen, dropped or
//    pasted (POST /media), with progress, alt text and Remove, and the
//    post sends only their ids;
//  - a picture in a post opens in a full-size viewer (a modal dialog).
// Served from hearthd under a content-hashed name; the CSP forbids inline
// script, so all behaviour hangs off data- attributes in the templates.
'use strict';

(() => {
  // --- i18n: the script's own words (docs/translating.md) ---
  // Plain ones come from #hearth-i18n-words as data-i18n-NAME
  // attributes, translated when the template was; counted ones, every
  // plural form of the page's language, from #hearth-plural (js-words.c),
  // chosen with Intl.PluralRules. English when a word is missing.
  const fill = (s, vars) => Object.entries(vars || {}).reduce(
    (out, [k, v]) => out.split(`{${k}}`).join(String(v)), s);
  const word = (name, en, vars) => fill(
    document.getElementById('hearth-i18n-words')?.dataset[name] || en, vars);
  const plural = (name, n, one, other, vars) => {
    const forms = document.getElementById('hearth-plural')?.dataset || {};
    let cat = 'other';
    try {
      cat = new Intl.PluralRules(document.documentElement.lang || 'en').select(n);
    } catch { /* an unknown language: other */ }
    const key = name + cat[0].toUpperCase() + cat.slice(1);
    return fill(forms[key] || (n === 1 ? one : other), { n, ...vars });
  };
  // --- end i18n ---

  // A polite live region for what changed out of sight.
  const status = document.createElement('div');
  status.className = 'sr-only';
  status.setAttribute('role', 'status');
  document.body.append(status);
  const say = (text) => {
    status.textContent = '';
    // A fresh node each time so a repeated message is announced again.
    window.setTimeout(() => { status.textContent = text; }, 50);
  };

  // Errors the person must see: a dismissible alert on top of the page.
  function showError(text) {
    let box = document.getElementById('js-error');
    if (!box) {
      box = document.createElement('p');
      box.id = 'js-error';
      box.className = 'alert toast';
      box.setAttribute('role', 'alert');
      document.getElementById('main')?.prepend(box);
    }
    box.textContent = text;
  }

  // What an error page says, for a failed background request.
  function errorText(doc, res) {
    const msg = doc.querySelector('main .alert, main p');
    const head = doc.querySelector('main h1');
    return [head?.textContent, msg?.textContent].filter(Boolean).join(': ') ||
      `The server answered ${res.status}.`;
  }

  // Post a form in the background (urlencoded, like the browser would) and
  // parse the page the server answers with, after its redirect.
  async function post(form, submitter) {
    const body = new URLSearchParams(new FormData(form, submitter));
    // A card's buttons share one form and name where they go (formaction);
    // a button's formAction is the page's own address when it names none.
    const action = submitter?.hasAttribute('formaction') ?
      submitter.formAction : form.action;
    const res = await fetch(action, {
      method: 'POST', body, credentials: 'same-origin',
      headers: { Accept: 'text/html' },
    });
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    return { res, doc };
  }

  // Replace the element with id by its counterpart in doc; false if doc
  // has none. Focus moves to the matching control so keyboard users stay
  // where they were.
  function swap(id, doc, focusSelector) {
    const old = document.getElementById(id);
    const fresh = doc.getElementById(id);
    if (!old || !fresh) return false;
    const node = document.importNode(fresh, true);
    old.replaceWith(node);
    const target = (focusSelector && node.querySelector(focusSelector)) ||
      node.querySelector('form[data-swap] button');
    target?.focus();
    return true;
  }

  // A card's like, share and bookmark buttons come back with the same
  // class, which finds the fresh one to focus (no data-focus on each).
  function focusFor(button) {
    const kind = ['fav', 'share', 'bookmark']
      .find((k) => button?.classList.contains(k));
    return kind ? '.' + kind : null;
  }

  document.addEventListener('submit', async (ev) => {
    const form = ev.target;
    const submitter = ev.submitter;
    const preview = submitter?.name === 'preview';
    if (!form.dataset.swap && !preview) return;
    // Some of a card's buttons change more than the card (a pin): the page
    // comes back whole.
    if (submitter?.hasAttribute('data-noswap')) return;
    ev.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = '1';
    form.setAttribute('aria-busy', 'true');
    try {
      const { res, doc } = await post(form, submitter);
      if (preview) {
        showPreview(form, doc, res);
      } else if (!res.ok) {
        showError(errorText(doc, res));
      } else if (new URL(res.url).pathname !== window.location.pathname) {
        // The server sent us elsewhere (left a private group): go along.
        window.location.assign(res.url);
      } else if (swap(form.dataset.swap, doc, submitter?.dataset.focus ||
        focusFor(submitter) || form.dataset.focus)) {
        const done = document.activeElement?.closest('button') ||
          document.getElementById(form.dataset.swap)
            ?.querySelector('form[data-swap] button');
        // A button with no words of its own (bookmark) says its title.
        if (done) {
          say(done.textContent.replace(/\s+/g, ' ').trim() ||
            done.getAttribute('title') || '');
        }
        document.getElementById('js-error')?.remove();
      } else {
        window.location.assign(res.url);
      }
    } catch {
      showError('hearth could not be reached. Check the connection and try again.');
    } finally {
      delete form.dataset.busy;
      form.removeAttribute('aria-busy');
    }
  });

  // A card's React menu holds a link to the post's page until it opens; the
  // buttons are the page's one set (#react-offer), each marked
  // as this reader's own when the card's chips say so.
  document.addEventListener('toggle', (ev) => {
    const menu = ev.target;
    if (!(menu instanceof HTMLDetailsElement) || !menu.open ||
        !menu.classList.contains('react-menu')) return;
    const link = menu.querySelector('[data-react-offer]');
    const offer = document.getElementById('react-offer');
    if (!link || !offer) return;
    const card = menu.closest('.post-actions');
    const mine = new Set([...card.querySelectorAll('.reaction-chip.mine')]
      .map((chip) => chip.value));
    const buttons = offer.content.cloneNode(true);
    for (const b of buttons.querySelectorAll('button')) {
      const own = mine.has(b.value);
      b.name = own ? 'remove' : 'add';
      b.setAttribute('aria-pressed', own ? 'true' : 'false');
      b.querySelector(own ? '[data-add]' : '[data-remove]')?.remove();
    }
    link.replaceWith(buttons);
  }, true);

  // The composer's preview: the server renders exactly what posting would.
  function showPreview(form, doc, res) {
    const fresh = doc.getElementById('preview');
    const error = doc.getElementById('compose-error');
    document.getElementById('compose-error')?.remove();
    const old = document.getElementById('preview');
    if (fresh) {
      const node = document.importNode(fresh, true);
      if (old) old.replaceWith(node); else form.after(node);
      say(word('i18nPreviewUpdated', 'Preview updated'));
    } else if (error) {
      old?.remove();
      form.before(document.importNode(error, true));
    } else {
      showError(errorText(doc, res));
    }
  }

  // The unread badge in the navigation.
  const badge = document.querySelector('[data-unread]');
  function bumpBadge(ev) {
    if (!badge) return;
    // Kinds switched off for the web are not counted (Settings > Notifications).
    const off = (document.body.dataset.notifyOff || '').split(' ').filter(Boolean);
    try {
      if (off.includes(JSON.parse(ev?.data ?? '{}').type)) return;
    } catch { /* not JSON: count it */ }
    const n = Number(badge.dataset.unread || 0) + 1;
    badge.dataset.unread = String(n);
    // Past 99 the badge says "99+", as the server renders it.
    const shown = n > 99 ? '99+' : String(n);
    const num = badge.querySelector('[data-unread-n]');
    if (num) num.textContent = shown;
    // The tab's title counts too, as the server renders it: "(2) Home".
    document.title = `(${shown}) ${document.title.replace(/^\(\d+\+?\) /, '')}`;
    badge.hidden = false;
  }

  // A stream that updates itself: new posts wait behind a button, so what
  // the person is reading never jumps.
  const live = document.querySelector('[data-live]');
  const pending = new Set();
  let button = null;
  function showPending() {
    if (!live) return;
    if (!button) {
      const box = document.createElement('div');
      box.className = 'new-posts';
      box.setAttribute('aria-live', 'polite');
      button = document.createElement('button');
      button.type = 'button';
      button.className = 'primary';
      button.addEventListener('click', loadNew);
      box.append(button);
      (live.querySelector('h2') || live.firstChild)?.after(box);
    }
    const n = pending.size;
    button.textContent = plural('newPosts', n, '{n} new post', '{n} new posts');
    button.parentElement.hidden = n === 0;
  }

  // Show what is new: the server renders the stream's first page again.
  async function loadNew() {
    try {
      const res = await fetch(window.location.pathname + window.location.search,
        { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById(live.id);
      if (!res.ok || !fresh) throw new Error('reload');
      const keep = button.parentElement;
      live.replaceChildren(...[...fresh.childNodes].map((n) => document.importNode(n, true)));
      (live.querySelector('h2') || live.firstChild)?.after(keep);
      pending.clear();
      showPending();
      const first = live.querySelector('article.post');
      if (first) {
        first.tabIndex = -1;
        first.focus();
      }
    } catch {
      window.location.reload();
    }
  }

  function onUpdate(ev) {
    let s;
    try { s = JSON.parse(ev.data); } catch { return; }
    if (document.getElementById(`post-${s.id}`) || pending.has(s.id)) return;
    // The web's home leaves private conversations to /conversations.
    if (live.dataset.live === 'user' && s.visibility === 'direct') return;
    pending.add(s.id);
    showPending();
  }

  function onDelete(ev) {
    const id = String(ev.data).trim();
    document.getElementById(`post-${id}`)?.remove();
    if (pending.delete(id)) showPending();
  }

  // The user stream carries notifications (and the home stream's posts);
  // other live streams are opened besides it. EventSource reconnects by
  // itself after a restart or a network change.
  // Open streams are counted on <body data-streams> (tests wait for it).
  const opened = (es) => es.addEventListener('open', () => {
    document.body.dataset.streams = String(Number(document.body.dataset.streams || 0) + 1);
  }, { once: true });
  if (document.querySelector('[data-signed-in]') && window.EventSource) {
    const user = new EventSource('/api/v1/streaming/user');
    opened(user);
    user.addEventListener('notification', bumpBadge);
    if (live?.dataset.live === 'user') {
      user.addEventListener('update', onUpdate);
      user.addEventListener('delete', onDelete);
    } else if (live) {
      const other = new EventSource(`/api/v1/streaming/${live.dataset.live}`);
      opened(other);
      other.addEventListener('update', onUpdate);
      other.addEventListener('delete', onDelete);
    }
  }

  // The "More" menu is a details element; close it as menus close.
  const more = document.querySelector('details.nav-menu');
  if (more) {
    document.addEventListener('click', (ev) => {
      if (more.open && !more.contains(ev.target)) more.open = false;
    });
    more.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && more.open) {
        more.open = false;
        more.querySelector('summary').focus();
      }
    });
  }

  // Relative times as the server writes them, kept fresh; the exact time
  // stays in the title.
  function ago(t) {
    const d = Math.max(0, (Date.now() - t) / 1000);
    const w = document.getElementById('hearth-i18n')?.dataset || {};
    const f = (k, en, n) => (w[k] || en).replace('{n}', String(n));
    if (d < 60) return w.i18nNow || 'just now';
    if (d < 3600) return f('i18nMin', '{n} min', Math.floor(d / 60));
    if (d < 86400) return f('i18nH', '{n} h', Math.floor(d / 3600));
    if (d < 7 * 86400) return f('i18nD', '{n} d', Math.floor(d / 86400));
    return null;
  }
  window.setInterval(() => {
    for (const el of document.querySelectorAll('time[datetime][data-ago]')) {
      const text = ago(Date.parse(el.getAttribute('datetime')));
      if (text && el.textContent !== text) el.textContent = text;
    }
  }, 30000);

  // A small element builder: attributes, then children ("text" sets
  // textContent). Everything is made through the DOM, never innerHTML.
  function make(tag, attrs = {}, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') n.textContent = v;
      else n.setAttribute(k, v === true ? '' : String(v));
    }
    n.append(...kids);
    return n;
  }

  // The paperclip of the Attach button, drawn like the navigation's icons.
  function clipIcon() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'icon');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5');
    svg.append(path);
    return svg;
  }

  // Attachments. Without JavaScript the composer's plain file input sends
  // the files with the post. With it, each file goes up as soon as it is
  // chosen, dropped or pasted (POST /media, so a big one shows progress
  // and a refused one says why before anything is typed), and the post
  // carries only the ids, in the order of the tiles.
  const ALT_LABEL = word('i18nAltLabel', "Describe this picture for people who can't see it (alt text)");
  const ALT_NUDGE = word('i18nAltNudge', 'Adding a description helps colleagues who use screen readers. Post anyway?');
  let uploads = 0;

  // What a failed upload says when the server gave no sentence of its own.
  function uploadError(status) {
    if (status === 413) return word('i18nTooLarge', 'This file is too large to attach.');
    if (status === 415 || status === 422) return word('i18nBadKind', 'hearth cannot take this kind of file.');
    if (status === 503) return word('i18nBusy', 'The server is busy; try again in a moment.');
    if (status === 0) return word('i18nUnreached', 'The upload did not reach hearth. Check the connection and try again.');
    return word('i18nUploadFailed', 'The upload failed (the server answered {status}).', { status });
  }

  function attachBox(box) {
    const form = box.closest('form');
    const input = box.querySelector('input[type=file]');
    if (!form || !input) return;
    const csrf = form.querySelector('input[name=csrf]')?.value || '';
    const max = Number(box.dataset.max || 4);
    const zone = form.closest('.composer') || form;
    let tiles = box.querySelector('.attach-tiles');
    if (!tiles) {
      tiles = make('ul', { class: 'attach-tiles', 'aria-label': word('i18nAttachments', 'Attachments') });
      box.prepend(tiles);
    }
    const help = input.getAttribute('aria-describedby');
    const button = make('button', { type: 'button', class: 'attach-button', 'aria-describedby': help },
      clipIcon(), make('span', { text: word('i18nAttach', 'Attach') }),
      make('span', { class: 'sr-only', text: ` ${word('i18nAttachWhat', 'pictures or files')}` }));
    const note = make('p', { class: 'attach-note small', hidden: true });
    const live = make('p', { class: 'attach-status sr-only', role: 'status' });
    const row = make('div', { class: 'attach-row' }, button, note);
    tiles.after(row, live);
    box.querySelector(`label[for="${input.id}"]`)?.setAttribute('hidden', '');
    input.hidden = true;
    box.classList.add('enhanced');
    let leftOut = '';

    const sayHere = (text) => {
      live.textContent = text;
    };
    const count = () => tiles.querySelectorAll('li.tile:not(.tile-failed)').length;
    const update = () => {
      const full = count() >= max;
      button.disabled = full;
      if (full) note.textContent = plural('full', max, '{n} attached: that is the most a post can carry. Remove one to attach another.', '{n} attached: that is the most a post can carry. Remove one to attach another.');
      else note.textContent = leftOut;
      note.hidden = !note.textContent;
      tiles.hidden = tiles.children.length === 0;
    };

    function removeButton(tile, name, id) {
      const b = make('button', { type: 'button', class: 'tile-remove' },
        make('span', { text: word('i18nRemove', 'Remove') }), make('span', { class: 'sr-only', text: ` ${name}` }));
      b.addEventListener('click', () => {
        tile.xhr?.abort();
        // Uploaded here and not posted yet: the server forgets it. A kept
        // attachment of the post being edited just leaves the form.
        if (id) {
          fetch(`/media/${encodeURIComponent(id)}/delete`, {
            method: 'POST', credentials: 'same-origin', body: new URLSearchParams({ csrf }),
            headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' },
          }).catch(() => {});
        }
        const next = tile.nextElementSibling || tile.previousElementSibling;
        tile.remove();
        leftOut = '';
        update();
        sayHere(word('i18nRemoved', '{name} removed', { name }));
        (next?.querySelector('.tile-remove') || button).focus();
      });
      return b;
    }

    function failed(tile, name, text) {
      uploads -= tile.classList.contains('tile-uploading') ? 1 : 0;
      tile.className = 'tile tile-failed';
      tile.replaceChildren(make('div', { class: 'tile-body' },
        make('p', { class: 'tile-name', text: name }),
        make('p', { class: 'tile-error', role: 'alert', text: word('i18nNotAttached', '{name} was not attached: {why}', { name, why: text }) }),
        removeButton(tile, name, null)));
      tile.querySelector('.tile-remove span').textContent = word('i18nDismiss', 'Dismiss');
      update();
    }

    function attached(tile, m, name) {
      uploads--;
      const kind = m.hearth?.kind || (m.type === 'image' ? 'image' : 'file');
      tile.className = `tile tile-${kind}`;
      tile.dataset.mediaId = m.id;
      tile.xhr = null;
      const small = m.meta?.small || {};
      const body = make('div', { class: 'tile-body' },
        make('p', { class: 'tile-name' }, m.hearth?.filename || name, ' ',
          make('span', { class: 'muted small', text: m.hearth?.size_text || '' })),
        make('input', { type: 'hidden', name: 'media_ids', value: m.id }));
      if (kind !== 'file') {
        const fid = `description_${m.id}`;
        const area = make('textarea', { id: fid, name: fid, rows: 2, maxlength: 1500 });
        area.value = m.description || '';
        body.append(make('div', { class: 'tile-alt' }, make('label', { for: fid, text: ALT_LABEL }), area));
      }
      body.append(removeButton(tile, m.hearth?.filename || name, m.id));
      tile.replaceChildren(m.preview_url ?
        make('img', { class: 'tile-thumb', src: m.preview_url, alt: '', width: small.width, height: small.height }) :
        make('span', { class: 'file-icon', 'data-icon': m.hearth?.icon || 'file', 'aria-hidden': 'true' }),
      body);
      sayHere(word('i18nAttached', '{name} attached', { name }));
      update();
    }

    function upload(file, tries = 0, tile = null) {
      const name = file.name || 'pasted picture';
      if (!tile) {
        tile = make('li', { class: 'tile tile-uploading' });
        tiles.append(tile);
        uploads++;
      }
      const pid = `upload-${Math.random().toString(36).slice(2)}`;
      const progress = make('progress', { id: pid, max: 100, value: 0 });
      const pct = make('span', { class: 'muted small', 'aria-hidden': 'true', text: '0%' });
      tile.replaceChildren(make('span', { class: 'file-icon', 'data-icon': 'upload', 'aria-hidden': 'true' }),
        make('div', { class: 'tile-body' },
          make('p', { class: 'tile-name' }, make('label', { for: pid, text: word('i18nUploading', 'Uploading {name}', { name }) }), ' ', pct),
          progress, removeButton(tile, name, null)));
      tile.querySelector('.tile-remove span').textContent = word('i18nCancel', 'Cancel');
      const xhr = new XMLHttpRequest();
      tile.xhr = xhr;
      let said = -100;
      xhr.upload.addEventListener('progress', (ev) => {
        if (!ev.lengthComputable) return;
        const n = Math.round((ev.loaded * 100) / ev.total);
        progress.value = n;
        pct.textContent = `${n}%`;
        if (n - said >= 20) {
          said = n;
          sayHere(word('i18nUploadingPct', 'Uploading {name}, {n}%', { name, n }));
        }
      });
      xhr.addEventListener('load', () => {
        let m = null;
        try { m = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
        if (xhr.status === 200 && m?.id) {
          attached(tile, m, name);
        } else if (xhr.status === 503 && tries < 3) {
          // Busy decoding other uploads: wait as told, then again.
          const wait = Math.min(Number(xhr.getResponseHeader('Retry-After')) || 2, 10);
          sayHere(word('i18nRetry', 'The server is busy; trying {name} again in {n} s', { name, n: wait }));
          window.setTimeout(() => { if (tile.isConnected) upload(file, tries + 1, tile); }, wait * 1000);
        } else {
          failed(tile, name, m?.error || uploadError(xhr.status));
        }
      });
      xhr.addEventListener('error', () => failed(tile, name, uploadError(0)));
      xhr.addEventListener('abort', () => { if (tile.classList.contains('tile-uploading')) uploads--; });
      xhr.open('POST', '/media');
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.setRequestHeader('Accept', 'application/json');
      const fd = new FormData();
      fd.append('file', file, name);
      xhr.send(fd);
      sayHere(word('i18nUploading', 'Uploading {name}', { name }));
      update();
    }

    function addFiles(files) {
      const list = [...files];
      if (!list.length) return;
      const room = Math.max(0, max - count());
      const take = list.slice(0, room);
      const skipped = list.length - take.length;
      leftOut = skipped ? plural('leftOut', skipped, 'Only {max} attachments fit in a post, so {n} file was left out.', 'Only {max} attachments fit in a post, so {n} files were left out.', { max }) : '';
      for (const f of take) upload(f);
      update();
    }

    // Attachments the post already has (the edit page): the server wrote
    // them with a "Keep" box, which works without us; here, a Remove button.
    for (const tile of tiles.querySelectorAll('li[data-kept]')) {
      const keep = tile.querySelector('.tile-keep');
      if (keep) keep.hidden = true;
      const name = tile.querySelector('.tile-name')?.firstChild?.textContent.trim() || 'attachment';
      tile.querySelector('.tile-body')?.append(removeButton(tile, name, null));
    }

    button.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const files = [...input.files];
      // The files go up now; the form must not send them a second time.
      input.value = '';
      addFiles(files);
    });

    // Files dragged from the desktop onto the composer.
    let depth = 0;
    const dragsFiles = (ev) => [...(ev.dataTransfer?.types || [])].includes('Files');
    const dropping = (on) => {
      zone.classList.toggle('dropping', on);
      if (!on) depth = 0;
    };
    zone.addEventListener('dragenter', (ev) => {
      if (!dragsFiles(ev)) return;
      ev.preventDefault();
      depth++;
      dropping(true);
    });
    zone.addEventListener('dragover', (ev) => {
      if (!dragsFiles(ev)) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = button.disabled ? 'none' : 'copy';
    });
    zone.addEventListener('dragleave', (ev) => {
      if (dragsFiles(ev) && --depth <= 0) dropping(false);
    });
    zone.addEventListener('drop', (ev) => {
      if (!ev.dataTransfer?.files?.length) return;
      ev.preventDefault();
      dropping(false);
      addFiles(ev.dataTransfer.files);
    });

    // A picture pasted into the composer (a screenshot, "Copy image").
    // Text pasted along with a picture (an office document's rendering of
    // itself) stays text.
    form.addEventListener('paste', (ev) => {
      const data = ev.clipboardData;
      if (!data?.files?.length || [...data.types].includes('text/plain')) return;
      ev.preventDefault();
      addFiles(data.files);
    });

    // Before posting: every upload finished, and one gentle word about
    // pictures without a description (posting again posts).
    form.addEventListener('submit', (ev) => {
      if (ev.submitter?.name === 'preview') return;
      if (tiles.querySelector('.tile-uploading')) {
        ev.preventDefault();
        leftOut = word('i18nStillUploading', 'Still uploading: post once the attachments are in.');
        update();
        return;
      }
      if (form.dataset.altNudged) return;
      const empty = [...tiles.querySelectorAll('li.tile:not(.tile-file) .tile-alt textarea')]
        .filter((t) => !t.value.trim());
      if (!empty.length) return;
      ev.preventDefault();
      form.dataset.altNudged = '1';
      for (const t of empty) {
        const nid = `${t.id}-nudge`;
        if (!document.getElementById(nid)) {
          t.after(make('p', { class: 'alt-nudge small', id: nid, text: ALT_NUDGE }));
          t.setAttribute('aria-describedby', nid);
        }
      }
      empty[0].focus();
    });
    update();
  }
  for (const box of document.querySelectorAll('[data-attach]')) attachBox(box);
  window.addEventListener('beforeunload', (ev) => {
    if (uploads > 0) ev.preventDefault();
  });

  // The picture viewer: a modal dialog over the page with the original
  // picture, its description as a caption, and Previous and Next among the
  // post's pictures (buttons, arrow keys, or a swipe). Escape or Close
  // returns focus to the picture it was opened from.
  let viewer = null;
  function buildViewer() {
    const v = {};
    v.count = make('p', { class: 'viewer-count', id: 'viewer-count', 'aria-live': 'polite' });
    v.close = make('button', { type: 'button', class: 'viewer-close', text: word('i18nClose', 'Close') });
    v.img = make('img', { class: 'viewer-img', alt: '', draggable: 'false' });
    v.caption = make('figcaption', { class: 'viewer-caption' });
    v.stage = make('figure', { class: 'viewer-stage' }, v.img, v.caption);
    v.prev = make('button', { type: 'button', class: 'viewer-prev' },
      make('span', { 'aria-hidden': 'true', text: '‹ ' }), word('i18nPrevious', 'Previous'));
    v.next = make('button', { type: 'button', class: 'viewer-next' },
      word('i18nNext', 'Next'), make('span', { 'aria-hidden': 'true', text: ' ›' }));
    v.nav = make('div', { class: 'viewer-nav' }, v.prev, v.next);
    v.dialog = make('dialog', { class: 'viewer', 'aria-label': word('i18nViewer', 'Picture viewer') },
      make('div', { class: 'viewer-top' }, v.count, v.close), v.stage, v.nav);
    document.body.append(v.dialog);
    v.links = [];
    v.at = 0;
    v.show = (i) => {
      const n = v.links.length;
      v.at = ((i % n) + n) % n;
      const a = v.links[v.at];
      const desc = a.querySelector('img')?.getAttribute('alt') || '';
      // A video (an animated GIF made small) cannot play under the page's
      // policy: its still preview stands in.
      const still = (a.dataset.mime || '').startsWith('video/');
      v.img.src = still ? a.querySelector('img')?.src || a.href : a.href;
      v.img.alt = desc || word('i18nNoAlt', 'Picture without a description');
      v.caption.textContent = desc || word('i18nNoDescription', 'No description was given for this picture.');
      v.caption.classList.toggle('muted-caption', !desc);
      v.count.textContent = n > 1 ? word('i18nPictureOf', 'Picture {at} of {n}', { at: v.at + 1, n }) : word('i18nPicture', 'Picture');
      v.nav.hidden = n < 2;
    };
    v.prev.addEventListener('click', () => v.show(v.at - 1));
    v.next.addEventListener('click', () => v.show(v.at + 1));
    v.close.addEventListener('click', () => v.dialog.close());
    v.dialog.addEventListener('close', () => {
      document.body.classList.remove('viewer-open');
      v.img.removeAttribute('src');
      v.opener?.focus();
    });
    v.dialog.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowLeft' && v.links.length > 1) {
        ev.preventDefault();
        v.show(v.at - 1);
      } else if (ev.key === 'ArrowRight' && v.links.length > 1) {
        ev.preventDefault();
        v.show(v.at + 1);
      } else if (ev.key === 'Tab') {
        // The modal dialog makes the page inert; keep Tab going round
        // inside it rather than out to the browser.
        const stops = [...v.dialog.querySelectorAll('button')].filter((b) => b.offsetParent);
        const first = stops[0];
        const last = stops[stops.length - 1];
        if (ev.shiftKey && document.activeElement === first) {
          ev.preventDefault();
          last.focus();
        } else if (!ev.shiftKey && document.activeElement === last) {
          ev.preventDefault();
          first.focus();
        }
      }
    });
    // A swipe: a mostly sideways move of more than 50 px.
    let start = null;
    v.stage.addEventListener('pointerdown', (ev) => { start = { x: ev.clientX, y: ev.clientY }; });
    v.stage.addEventListener('pointercancel', () => { start = null; });
    v.stage.addEventListener('pointerup', (ev) => {
      if (!start || v.links.length < 2) return;
      const dx = ev.clientX - start.x;
      const dy = ev.clientY - start.y;
      start = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy)) v.show(v.at + (dx < 0 ? 1 : -1));
    });
    return v;
  }

  document.addEventListener('click', (ev) => {
    const link = ev.target.closest?.('a[data-viewer]');
    if (!link || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    if (link.dataset.kind === 'file' || !window.HTMLDialogElement) return;
    const grid = link.closest('.media-grid') || link.parentElement;
    const links = [...grid.querySelectorAll('a[data-viewer]')].filter((a) => a.dataset.kind !== 'file');
    ev.preventDefault();
    viewer ||= buildViewer();
    viewer.links = links;
    viewer.opener = link;
    viewer.show(links.indexOf(link));
    document.body.classList.add('viewer-open');
    viewer.dialog.showModal();
    viewer.close.focus();
  });
})();

// The composer (home, groups): one line that opens in place when focused
// or clicked, and closes again (Escape, or a click elsewhere) while it
// holds nothing; the floating button on phones opens it too. Ctrl+Enter
// (Cmd+Enter on a Mac) posts from any composer. In the home composer a
// group decides who sees a post, so choosing one says so instead of the
// visibility menu (which would otherwise still claim "Everyone").
(() => {
  // The script's own words, as the first block reads them (js-words.html).
  const word = (name, en, vars) => Object.entries(vars || {}).reduce(
    (out, [k, v]) => out.split(`{${k}}`).join(String(v)),
    document.getElementById('hearth-i18n-words')?.dataset[name] || en);
  for (const form of document.querySelectorAll('form[data-composer]')) {
    form.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' || !(ev.ctrlKey || ev.metaKey) || ev.target.tagName !== 'TEXTAREA') return;
      ev.preventDefault();
      const button = form.querySelector('button.primary[type=submit]');
      if (form.requestSubmit) form.requestSubmit(button || undefined);
      else button?.click();
    });
  }
  for (const box of document.querySelectorAll('[data-compose]')) {
    const text = box.querySelector('textarea#status');
    if (!text) continue;
    const empty = () => !text.value.trim() && !box.querySelector('li.tile') &&
      !box.querySelector('#spoiler_text')?.value;
    const open = () => {
      if (box.classList.contains('open')) return;
      box.classList.add('open');
    };
    const close = () => {
      if (!empty() || box.querySelector('#preview')) return;
      box.classList.remove('open');
    };
    box.classList.add('collapsible');
    if (!empty()) open();
    text.addEventListener('focus', open);
    text.addEventListener('click', open);
    // A file chosen, dragged over it, dropped or pasted opens it too, so
    // the new attachment's tile (and its alt text field) shows.
    for (const type of ['dragenter', 'drop', 'paste']) box.addEventListener(type, open);
    box.addEventListener('change', (ev) => { if (ev.target.type === 'file') open(); });
    text.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && empty()) {
        close();
      }
    });
    document.addEventListener('pointerdown', (ev) => {
      if (!box.contains(ev.target) && document.activeElement !== text) close();
    });
    box.addEventListener('focusout', () => {
      window.setTimeout(() => {
        if (!box.contains(document.activeElement)) close();
      }, 0);
    });
    box.querySelector('[data-compose-fab]')?.addEventListener('click', (ev) => {
      ev.preventDefault();
      open();
      box.scrollIntoView({ block: 'start', behavior: 'smooth' });
      text.focus({ preventScroll: true });
    });
    const group = box.querySelector('select[data-group]');
    const vis = box.querySelector('select[data-visibility]');
    const audience = box.querySelector('[data-audience]');
    if (group && vis && audience) {
      const update = () => {
        const chosen = group.selectedOptions[0];
        const inGroup = !!group.value;
        vis.hidden = inGroup;
        vis.disabled = inGroup;
        audience.hidden = !inGroup;
        audience.textContent = inGroup ? word('i18nAudience', 'People who can see {group}', { group: chosen.textContent }) : '';
      };
      group.addEventListener('change', update);
      update();
    }
  }
})();

/* --- i18n: the browser's time zone (docs/translating.md) ---
 * Tell the server the browser's IANA time zone in a cookie, so times show
 * in it until the person chooses one in Settings → Language. */
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\/-]{1,64}$/.test(zone)) return;
  if (document.cookie.split("; ").indexOf("hearth_tz=" + zone) >= 0) return;
  document.cookie = "hearth_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax" +
    (location.protocol === "https:" ? "; Secure" : "");
})();
