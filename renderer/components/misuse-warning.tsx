// MSCA-IG-03: the computer-misuse warning shown at start-up, acknowledged before sign-in.
export interface MisuseWarningProps {
  readonly text: string;
  readonly onAccept: () => void;
}

export function MisuseWarning({ text, onAccept }: MisuseWarningProps) {
  return (
    <main className="nhsuk-width-container app-page" id="maincontent">
      <div className="nhsuk-warning-callout" role="region" aria-labelledby="misuse-heading">
        <h1 className="nhsuk-warning-callout__label" id="misuse-heading">
          <span role="text">
            <span className="nhsuk-u-visually-hidden">Important: </span>
            Authorised use only
          </span>
        </h1>
        <p>{text}</p>
      </div>
      <button className="nhsuk-button" type="button" onClick={onAccept} autoFocus>
        I understand
      </button>
    </main>
  );
}
