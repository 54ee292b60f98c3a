// Sign-in: a gateway token (`reach gateway session create`; standalone mode prints one).
import { useState } from "preact/hooks";
import { signIn } from "../api";
import { Field, Notice, asProblem } from "../ui";
import type { Problem } from "../api";

export function SignIn(props: { reason: string | null; done: () => void }) {
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section class="sign-in">
      <h1>Sign in to Reach</h1>
      {props.reason && (
        <p class="notice" role="alert">
          {props.reason}
        </p>
      )}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setProblem(null);
          try {
            await signIn(value.trim());
            props.done();
          } catch (error) {
            setProblem(asProblem(error));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field label="Gateway token" hint="From `reach gateway session create`, or the one standalone mode prints.">
          <textarea
            name="token"
            required
            rows={4}
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {problem && <Notice problem={problem} />}
    </section>
  );
}
