/** What just happened (`notice`, announced politely) and what went wrong (`problem`, an alert). */
export function Messages({ notice = '', problem = '' }: { notice?: string; problem?: string }) {
  return (
    <>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}
