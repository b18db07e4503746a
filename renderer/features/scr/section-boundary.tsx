// One error boundary per section of the record (issue 11, HAZ-005): if one part cannot be drawn,
// that part says so and shows its words as plain text; the rest of the record stays on screen
// and the app does not unmount.
import { Component, type ReactNode } from 'react';

interface Props {
  readonly title: string;
  /** The section's words, for the plain-text fallback (computed only if needed). */
  readonly plainText: () => string;
  readonly children: ReactNode;
}

export class SectionBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    let text: string;
    try {
      text = this.props.plainText();
    } catch {
      text = '';
    }
    return (
      <div className="nhsuk-warning-callout app-section-fallback" role="note">
        <p className="nhsuk-warning-callout__label">
          This part of the record could not be shown — the rest is correct
        </p>
        <p className="nhsuk-body-s">Its text, without formatting:</p>
        <div className="app-presentation--plain" dir="auto">
          {text}
        </div>
      </div>
    );
  }
}
