// A modal dialog on the native <dialog> element: focus moves in, Tab stays in, Escape closes,
// and the page behind is inert — the browser does this, so keyboard users get it for free.
// Closing returns focus to whatever opened the dialog (WAI-ARIA dialog pattern), when it is
// still on the page; otherwise the screen decides (e.g. the record's heading after access).
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ModalProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
}

export function Modal({ title, onClose, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      if (opener?.isConnected && !opener.closest('[hidden]')) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="app-modal"
      aria-labelledby={headingId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={headingId} className="app-modal__title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
