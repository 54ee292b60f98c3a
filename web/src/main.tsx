// The dashboard's shell: sign-in gate, navigation and the page for the current path.
// Paths are the gateway's dashboard sections (reach.gateway.routes.DASHBOARD_SECTIONS).
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { onSignedOut, plan, signOut, token } from "./api";
import { Collection, Collections, Shared } from "./pages/collections";
import { Discovery } from "./pages/discovery";
import { Leaderboards } from "./pages/leaderboards";
import { ProfilePage } from "./pages/profile";
import { SignIn } from "./pages/signin";
import { UsagePage } from "./pages/usage";
import "./style.css";
import { Link, navigate } from "./ui";

function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const changed = () => setPath(location.pathname);
    addEventListener("popstate", changed);
    return () => removeEventListener("popstate", changed);
  }, []);
  return path;
}

const SECTIONS = [
  ["/discovery", "Discovery"],
  ["/leaderboards", "Leaderboards"],
  ["/collections", "Collections"],
  ["/usage", "Usage"],
] as const;

function page(parts: string[]) {
  const [section, a, b] = parts;
  switch (section) {
    case "profile":
      return a && b ? <ProfilePage platform={a} handle={decodeURIComponent(b)} /> : null;
    case "leaderboards":
      return <Leaderboards />;
    case "collections":
      return a && b ? <Collection kind={a === "post" ? "post" : "profile"} id={Number(b)} /> : <Collections />;
    case "usage":
      return <UsagePage />;
    default:
      return <Discovery />;
  }
}

function App() {
  const path = usePath();
  const [reason, setReason] = useState<string | null>(null);
  const [, setSignedIn] = useState(token() !== null);
  useEffect(() => onSignedOut((message) => {
    setReason(message);
    setSignedIn(false);
  }), []);
  const parts = path.split("/").filter(Boolean);
  useEffect(() => {
    const title = parts[0] ? parts[0][0].toUpperCase() + parts[0].slice(1) : "Discovery";
    document.title = `${title} · Reach`;
    document.getElementById("main")?.focus();
  }, [path]);
  if (parts[0] === "shared" && parts[1] && parts[2]) {
    return (
      <main id="main" tabIndex={-1}>
        <Shared kind={parts[1] === "post" ? "post" : "profile"} shareId={parts[2]} />
      </main>
    );
  }
  if (token() === null) {
    return (
      <main id="main" tabIndex={-1}>
        <SignIn
          reason={reason}
          done={() => {
            setReason(null);
            setSignedIn(true);
            if (parts[0] === "sign-in") navigate("/discovery");
          }}
        />
      </main>
    );
  }
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">Reach</span>
        <nav aria-label="Sections">
          {SECTIONS.map(([href, label]) => (
            <Link href={href} class={path.startsWith(href) ? "current" : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <span class="plan" title="Your plan">
          {plan()}
        </span>
        <button
          type="button"
          onClick={() => {
            signOut();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page(parts)}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
