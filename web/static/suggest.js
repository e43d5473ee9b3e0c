// suggest.js: the pickers that offer people and hashtags while someone
// types (enhancement only: without it the fields take text as typed).
//  - In a composer (textarea name="status"), typing "@li" offers people
//    (avatar, name, @username, job title) and "#te" offers hashtags; the
//    one chosen replaces the typed word ("@lisa ", "#team ").
//  - A field marked data-suggest="people" (the group members page) offers
//    people for its whole value and, chosen, takes their username.
// The WAI-ARIA 1.2 combobox pattern: the field is the combobox
// (aria-expanded, aria-controls, aria-activedescendant), the suggestions a
// listbox of options. Down and Up move through them, Enter or Tab take
// the one marked, Escape closes the list; a click takes one too. Asks
// GET /suggest (web/pages/suggest.c) at most once per pause in typing,
// and drops an answer that arrives after a newer question.
'use strict';

(() => {
  const WAIT_MS = 150;	// the pause in typing that asks
  const TOKEN = /(?:^|[\s(])([@#][\p{L}\p{N}_.-]{1,64})$/u;
  let serial = 0;

  // A polite live region saying how many suggestions there are.
  const status = document.createElement('div');
  status.className = 'sr-only';
  status.setAttribute('role', 'status');
  document.body.append(status);

  const attach = (field, mode) => {
    const n = ++serial;
    const list = document.createElement('ul');
    list.id = `suggest-${n}`;
    list.className = 'suggest-list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', mode === 'people' ? 'People' :
      'Suggestions');
    list.hidden = true;
    document.body.append(list);
    field.setAttribute('role', 'combobox');
    field.setAttribute('aria-autocomplete', 'list');
    field.setAttribute('aria-expanded', 'false');
    field.setAttribute('aria-controls', list.id);
    field.setAttribute('autocomplete', 'off');

    let items = [];	// [{ insert, option }]
    let active = -1;
    let token = null;	// { start, end, text } of the word being completed
    let timer = 0;
    let asked = 0;	// the latest question's number

    const close = () => {
      list.hidden = true;
      list.replaceChildren();
      items = [];
      active = -1;
      field.setAttribute('aria-expanded', 'false');
      field.removeAttribute('aria-activedescendant');
    };

    const mark = (i) => {
      items.forEach((it, k) => it.option.setAttribute('aria-selected',
        String(k === i)));
      active = i;
      if (i < 0) {
        field.removeAttribute('aria-activedescendant');
        return;
      }
      field.setAttribute('aria-activedescendant', items[i].option.id);
      items[i].option.scrollIntoView({ block: 'nearest' });
    };

    // Where the list goes: under the field, in the page's coordinates.
    const place = () => {
      const r = field.getBoundingClientRect();
      list.style.left = `${r.left + window.scrollX}px`;
      list.style.top = `${r.bottom + window.scrollY}px`;
      list.style.width = `${Math.min(r.width, 420)}px`;
    };

    const choose = (i) => {
      const it = items[i];
      if (!it) return;
      // The word as it is now: typing may have gone on since the asking.
      token = current();
      if (mode === 'people') {
        field.value = it.insert;
      } else if (token) {
        const v = field.value;
        const text = `${it.insert} `;
        field.value = v.slice(0, token.start) + text + v.slice(token.end);
        const caret = token.start + text.length;
        field.setSelectionRange(caret, caret);
      }
      close();
      field.focus();
      field.dispatchEvent(new Event('input', { bubbles: true }));
      status.textContent = `${it.insert} chosen`;
    };

    const option = (k, parts) => {
      const li = document.createElement('li');
      li.id = `${list.id}-${k}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.className = 'suggest-option';
      li.append(...parts);
      // Keep the focus in the field; the click takes the option.
      li.addEventListener('mousedown', (e) => e.preventDefault());
      li.addEventListener('click', () => choose(k));
      return li;
    };

    const show = (data) => {
      list.replaceChildren();
      items = [];
      for (const p of data.people || []) {
        const img = document.createElement('img');
        img.src = p.avatar;
        img.alt = '';
        img.width = 28;
        img.height = 28;
        img.className = 'avatar';
        const name = document.createElement('span');
        name.className = 'suggest-name';
        name.textContent = p.display_name || p.username;
        const who = document.createElement('span');
        who.className = 'suggest-meta';
        who.textContent = `@${p.acct}${p.title ? ` · ${p.title}` : ''}`;
        const k = items.length;
        items.push({ insert: mode === 'people' ? p.username : `@${p.acct}`,
          option: option(k, [img, name, who]) });
      }
      if (mode !== 'people') {
        for (const t of data.tags || []) {
          const name = document.createElement('span');
          name.className = 'suggest-name';
          name.textContent = `#${t}`;
          const k = items.length;
          items.push({ insert: `#${t}`, option: option(k, [name]) });
        }
      }
      if (items.length === 0) {
        close();
        return;
      }
      list.append(...items.map((it) => it.option));
      place();
      list.hidden = false;
      field.setAttribute('aria-expanded', 'true');
      active = -1;
      status.textContent = items.length === 1 ? '1 suggestion' :
        `${items.length} suggestions`;
    };

    // The word the caret is in, if it asks for suggestions.
    const current = () => {
      if (mode === 'people') {
        const v = field.value.trim();
        return v.length >= 2 ? { start: 0, end: field.value.length,
          text: v.startsWith('@') ? v : `@${v}` } : null;
      }
      const end = field.selectionStart;
      if (end !== field.selectionEnd) return null;
      const m = TOKEN.exec(field.value.slice(0, end));
      if (!m || m[1].length < 2) return null;
      return { start: end - m[1].length, end, text: m[1] };
    };

    const ask = async () => {
      token = current();
      if (!token) {
        close();
        return;
      }
      const q = ++asked;
      try {
        const r = await fetch(`/suggest?q=${encodeURIComponent(token.text)}`,
          { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (!r.ok || q !== asked) return;
        const data = await r.json();
        if (q === asked) show(data);
      } catch {
        // Offline or signed out: the field works as plain text.
      }
    };

    field.addEventListener('input', (e) => {
      if (!e.isTrusted) return;	// our own, after choosing
      clearTimeout(timer);
      if (!current()) {
        // The word ended (a space, say): nothing to offer any more.
        asked++;
        if (!list.hidden) close();
        return;
      }
      timer = setTimeout(ask, WAIT_MS);
    });
    field.addEventListener('keydown', (e) => {
      if (list.hidden) return;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        mark(active + 1 >= items.length ? 0 : active + 1);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        mark(active <= 0 ? items.length - 1 : active - 1);
      } else if ((e.key === 'Enter' || e.key === 'Tab') && active >= 0) {
        e.preventDefault();
        choose(active);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        asked++;
        close();
      }
    });
    field.addEventListener('blur', () => {
      asked++;
      close();
    });
    window.addEventListener('resize', () => { if (!list.hidden) place(); });
  };

  for (const f of document.querySelectorAll('textarea[name="status"]')) {
    attach(f, 'compose');
  }
  for (const f of document.querySelectorAll('input[data-suggest="people"]')) {
    attach(f, 'people');
  }
})();
