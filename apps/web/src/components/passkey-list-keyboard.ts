'use client';

import { useEffect } from 'react';

// Keyboard access that the Connect passkey list of connect-react 0.2.4 lacks, added to its markup without
// changing what any control does:
// - its delete control is a <div> with a click handler that Tab never reaches: it becomes a focusable
//   button named after its passkey, pressed by Enter and Space;
// - its delete dialog has no role, does not take the focus and ignores Escape: it becomes a labelled modal
//   dialog that takes the focus (on Cancel, the harmless choice) and closes on Escape.

const DELETE_CONTROL = '.cb-passkey-list-item-delete-icon .cb-link-button';
const DIALOG = '.cb-modal';

function enhanceDeleteControls(root: ParentNode): void {
  for (const control of root.querySelectorAll<HTMLElement>(`${DELETE_CONTROL}:not([role])`)) {
    control.tabIndex = 0;
    control.setAttribute('role', 'button');
    const title = control
      .closest('.cb-passkey-list-item')
      ?.querySelector('.cb-passkey-list-item-title')
      ?.textContent?.trim();
    control.setAttribute('aria-label', title ? `Delete passkey ${title}` : 'Delete passkey');
  }
}

function enhanceDialog(root: ParentNode): void {
  const dialog = root.querySelector<HTMLElement>(`${DIALOG}:not([role])`);
  if (!dialog) return;
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  const heading = dialog.querySelector<HTMLElement>('.cb-modal-header .cb-h2, .cb-modal-header h2');
  if (heading) {
    heading.id ||= 'passkey-dialog-title';
    dialog.setAttribute('aria-labelledby', heading.id);
  }
  (
    dialog.querySelector<HTMLElement>('.cb-modal-button-secondary') ??
    dialog.querySelector<HTMLElement>('button')
  )?.focus();
}

function onKeyDown(event: KeyboardEvent): void {
  const target = event.target instanceof HTMLElement ? event.target : null;
  if ((event.key === 'Enter' || event.key === ' ') && target?.matches(DELETE_CONTROL)) {
    event.preventDefault();
    target.click();
    return;
  }
  if (event.key === 'Escape') {
    const dialog = document.querySelector<HTMLElement>(DIALOG);
    const close =
      dialog?.querySelector<HTMLElement>('.cb-modal-button-secondary') ??
      dialog?.querySelector<HTMLElement>('.cb-modal-exit-icon');
    if (close) {
      event.preventDefault();
      close.click();
    }
  }
}

/** Makes the Connect passkey list and its delete dialog usable by keyboard while the page is shown. */
export function usePasskeyListKeyboard(): void {
  useEffect(() => {
    const enhance = () => {
      enhanceDeleteControls(document);
      enhanceDialog(document);
    };
    enhance();
    const observer = new MutationObserver(enhance);
    observer.observe(document.body, { childList: true, subtree: true });
    document.addEventListener('keydown', onKeyDown);
    return () => {
      observer.disconnect();
      document.removeEventListener('keydown', onKeyDown);
    };
  }, []);
}
