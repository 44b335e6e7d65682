// The composer without page reloads: every button of the form still submits to its handler, but with
// "Accept: application/json", and the view that comes back (the grid's cells as they read, the program, the charts,
// the link) is drawn in place, with the keyboard focus kept on the cell or button that was pressed. Gates can also be
// dragged from the palette onto a cell. Without this script the same form works by ordinary posts.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('composer');
  if (!form || !window.fetch) {
    return;
  }

  const byId = (id) => document.getElementById(id);
  const message = byId('composer-message');
  let busy = false;

  form.addEventListener('submit', async (event) => {
    const submitter = event.submitter;
    if (!submitter || !submitter.formAction) {
      return;
    }

    event.preventDefault();
    if (busy) {
      return;
    }

    busy = true;
    form.setAttribute('aria-busy', 'true');
    const focused = document.activeElement;
    const focusKey = focused && focused.name === 'place' ? 'place:' + focused.value : focused && focused.id;
    try {
      // The answer comes in the page's language, even when that came from a one-off ?culture= and not the cookie.
      const url = new URL(submitter.formAction, location.href);
      url.searchParams.set('culture', form.dataset.culture);
      const response = await fetch(url, {
        method: 'POST',
        body: new FormData(form, submitter),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (response.status === 429) {
        const wait = response.headers.get('Retry-After') || '60';
        message.textContent = form.dataset.limited.replace('{0}', wait);
        return;
      }

      if (!response.ok || !(response.headers.get('Content-Type') || '').includes('application/json')) {
        message.textContent = form.dataset.failed;
        return;
      }

      draw(await response.json(), focusKey);
    } catch {
      message.textContent = form.dataset.failed;
    } finally {
      busy = false;
      form.removeAttribute('aria-busy');
    }
  });

  function draw(view, focusKey) {
    form.elements.Grid.value = view.grid;
    form.elements.Pending.value = view.pending || '';
    message.textContent = view.message || '';

    const body = byId('composer-cells');
    const rows = view.cells.map((row, q) => {
      const tr = document.createElement('tr');
      const head = document.createElement('th');
      head.scope = 'row';
      head.textContent = `q[${q}]`;
      tr.append(head);
      row.forEach((cell, s) => {
        const td = document.createElement('td');
        const button = document.createElement('button');
        button.type = 'submit';
        button.formAction = '/Tools/Composer?handler=Place';
        button.name = 'place';
        button.value = `${q},${s}`;
        button.className = cell.pending ? 'cell pending' : 'cell';
        button.setAttribute('aria-label', cell.label);
        button.textContent = cell.symbol;
        if (cell.angle) {
          const small = document.createElement('small');
          small.textContent = cell.angle;
          button.append(small);
        }

        td.append(button);
        tr.append(td);
      });
      return tr;
    });
    body.replaceChildren(...rows);
    const caption = body.closest('table').querySelector('caption');
    caption.textContent = caption.textContent.replace(/\d+/, String(view.qubits));

    const add = byId('add-qubit');
    const remove = byId('remove-qubit');
    add.value = String(view.qubits + 1);
    add.disabled = view.qubits >= view.maxQubits;
    remove.value = String(view.qubits - 1);
    remove.disabled = view.qubits <= 1;

    byId('composer-qasm').textContent = view.qasm;
    byId('composer-share').href = view.share;
    byId('composer-qasm3').href = view.qasm3;
    byId('composer-qasm2').href = view.qasm2;
    history.replaceState(null, '', view.share);

    // The charts are the server's own SVG (ScottPlot and the Bloch spheres), the same as the page without script.
    byId('composer-bloch').innerHTML = view.bloch.join('');
    const state = byId('composer-state');
    state.querySelector('svg').outerHTML = view.state;
    const histogram = byId('composer-histogram');
    histogram.hidden = !view.histogram;
    histogram.querySelector('div').innerHTML = view.histogram || '';

    byId('composer-amplitudes').replaceChildren(...view.amplitudes.map((cells) => {
      const tr = document.createElement('tr');
      cells.forEach((text) => {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      });
      return tr;
    }));

    if (focusKey) {
      const again = focusKey.startsWith('place:')
        ? body.querySelector(`button[value="${focusKey.slice(6)}"]`)
        : byId(focusKey);
      if (again && !again.disabled) {
        again.focus();
      }
    }
  }

  // Dragging a gate from the palette onto a cell: the same as choosing it, then pressing the cell.
  form.querySelectorAll('.palette label.gate').forEach((label) => {
    label.draggable = true;
    label.addEventListener('dragstart', (event) => {
      event.dataTransfer.setData('text/plain', label.querySelector('input').value);
      event.dataTransfer.effectAllowed = 'copy';
    });
  });
  const cells = byId('composer-cells');
  cells.addEventListener('dragover', (event) => {
    if (event.target.closest('button.cell')) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  });
  cells.addEventListener('drop', (event) => {
    const target = event.target.closest('button.cell');
    const gate = event.dataTransfer.getData('text/plain');
    const radio = [...form.elements.Gate].find((r) => r.value === gate);
    if (target && radio) {
      event.preventDefault();
      radio.checked = true;
      form.requestSubmit(target);
    }
  });

  // Copying the link where the browser allows it (a secure context); the link itself works everywhere.
  const copy = byId('composer-copy');
  if (navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener('click', async () => {
      await navigator.clipboard.writeText(new URL(byId('composer-share').href, location.href).href);
      message.textContent = copy.dataset.done || copy.textContent + ' ✓';
    });
  }
});
