"""A real Kubernetes control plane on loopback for tests and manual use: etcd, kube-apiserver and
kube-controller-manager from the binaries `scripts/k8s-tools.sh` builds.

The way Go operators are tested with envtest, plus the controller manager, so Deployments get
ReplicaSets and owner references are garbage-collected. No kubelet: pods are created but never
run. Authorization is RBAC; the admin credential is a client certificate in `system:masters`;
ServiceAccount tokens are signed, so the TokenRequest API works.

Used by the `k8s_cluster` pytest fixture and by `make cluster`
(`python -m reach.testing.cluster --bin DIR`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from reach.testing.ports import free_port

SERVICE_CIDR = "10.96.0.0/24"
# The first address of SERVICE_CIDR: the `kubernetes` Service, so in-cluster clients trust us.
SERVICE_IP = "10.96.0.1"
SA_ISSUER = "https://kubernetes.default.svc.cluster.local"


class ClusterError(RuntimeError):
    pass


def _pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None = None,
    *,
    ca: bool = False,
    sans: list[x509.GeneralName] | None = None,
    client: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if not ca:
        usage = x509.oid.ExtendedKeyUsageOID
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([usage.CLIENT_AUTH if client else usage.SERVER_AUTH]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass(frozen=True)
class Credentials:
    ca_cert: Path
    serving_cert: Path
    serving_key: Path
    admin_cert: Path
    admin_key: Path
    sa_key: Path
    sa_pub: Path


def write_credentials(folder: Path) -> Credentials:
    """A CA, the API server's serving certificate, an admin client certificate and the
    ServiceAccount signing key pair, written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reach-test-ca")])
    ca = _certificate(ca_name, ca_key, ca=True)
    serving_key = ec.generate_private_key(ec.SECP256R1())
    serving = _certificate(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]),
        serving_key,
        (ca_name, ca_key),
        sans=[
            x509.DNSName("localhost"),
            x509.DNSName("kubernetes.default.svc"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.IPv4Address(SERVICE_IP)),
        ],
    )
    admin_key = ec.generate_private_key(ec.SECP256R1())
    admin = _certificate(
        x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters"),
                x509.NameAttribute(NameOID.COMMON_NAME, "reach-admin"),
            ]
        ),
        admin_key,
        (ca_name, ca_key),
        client=True,
    )
    sa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    creds = Credentials(
        ca_cert=folder / "ca.crt",
        serving_cert=folder / "apiserver.crt",
        serving_key=folder / "apiserver.key",
        admin_cert=folder / "admin.crt",
        admin_key=folder / "admin.key",
        sa_key=folder / "sa.key",
        sa_pub=folder / "sa.pub",
    )
    pem = serialization.Encoding.PEM
    creds.ca_cert.write_bytes(ca.public_bytes(pem))
    creds.serving_cert.write_bytes(serving.public_bytes(pem))
    creds.serving_key.write_bytes(_pem(serving_key))
    creds.admin_cert.write_bytes(admin.public_bytes(pem))
    creds.admin_key.write_bytes(_pem(admin_key))
    creds.sa_key.write_bytes(_pem(sa_key))
    creds.sa_pub.write_bytes(
        sa_key.public_key().public_bytes(pem, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    for path in (creds.serving_key, creds.admin_key, creds.sa_key):
        path.chmod(0o600)
    return creds


def kubeconfig(server: str, creds: Credentials) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "reach-test",
                "cluster": {"server": server, "certificate-authority": str(creds.ca_cert)},
            }
        ],
        "users": [
            {
                "name": "reach-admin",
                "user": {
                    "client-certificate": str(creds.admin_cert),
                    "client-key": str(creds.admin_key),
                },
            }
        ],
        "contexts": [
            {"name": "reach-test", "context": {"cluster": "reach-test", "user": "reach-admin"}}
        ],
        "current-context": "reach-test",
    }


@dataclass
class LocalCluster:
    """etcd + kube-apiserver + kube-controller-manager under one temporary folder.

    Use as a context manager, or `start()` / `stop()`. Every process runs in its own session
    so `stop()` takes down whatever it spawned."""

    bin_dir: Path
    workdir: Path | None = None
    controller_manager: bool = True
    server: str = ""
    kubeconfig_path: Path = field(init=False)
    credentials: Credentials = field(init=False)
    _processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    _owns_workdir: bool = False

    def __enter__(self) -> LocalCluster:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def binary(self, name: str) -> str:
        path = self.bin_dir / name
        if not os.access(path, os.X_OK):
            raise ClusterError(f"{path} is missing: run `make k8s-tools`")
        return str(path)

    def start(self, timeout: float = 60) -> None:
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="reach-k8s-"))
            self._owns_workdir = True
        self.credentials = write_credentials(self.workdir / "pki")
        etcd_port, peer_port, api_port = free_port(), free_port(), free_port()
        self.server = f"https://127.0.0.1:{api_port}"
        self.kubeconfig_path = self.workdir / "kubeconfig"
        self.kubeconfig_path.write_text(yaml.safe_dump(kubeconfig(self.server, self.credentials)))
        try:
            self._spawn(
                "etcd",
                [
                    self.binary("etcd"),
                    "--name=reach-test",
                    f"--data-dir={self.workdir / 'etcd'}",
                    f"--listen-client-urls=http://127.0.0.1:{etcd_port}",
                    f"--advertise-client-urls=http://127.0.0.1:{etcd_port}",
                    f"--listen-peer-urls=http://127.0.0.1:{peer_port}",
                    f"--initial-advertise-peer-urls=http://127.0.0.1:{peer_port}",
                    f"--initial-cluster=reach-test=http://127.0.0.1:{peer_port}",
                    # Test data is thrown away; fsync only slows every write down.
                    "--unsafe-no-fsync",
                    "--log-level=warn",
                ],
            )
            creds = self.credentials
            self._spawn(
                "kube-apiserver",
                [
                    self.binary("kube-apiserver"),
                    f"--etcd-servers=http://127.0.0.1:{etcd_port}",
                    "--bind-address=127.0.0.1",
                    "--advertise-address=127.0.0.1",
                    f"--secure-port={api_port}",
                    f"--cert-dir={self.workdir / 'apiserver'}",
                    f"--tls-cert-file={creds.serving_cert}",
                    f"--tls-private-key-file={creds.serving_key}",
                    f"--client-ca-file={creds.ca_cert}",
                    "--authorization-mode=RBAC",
                    f"--service-account-issuer={SA_ISSUER}",
                    f"--service-account-key-file={creds.sa_pub}",
                    f"--service-account-signing-key-file={creds.sa_key}",
                    f"--service-cluster-ip-range={SERVICE_CIDR}",
                    "--allow-privileged=true",
                    "--enable-priority-and-fairness=false",
                    # The API server advertises loopback, which the endpoint reconciler refuses.
                    "--endpoint-reconciler-type=none",
                    "--v=0",
                ],
            )
            self._wait_ready(f"{self.server}/readyz", timeout)
            if self.controller_manager:
                self._spawn(
                    "kube-controller-manager",
                    [
                        self.binary("kube-controller-manager"),
                        f"--kubeconfig={self.kubeconfig_path}",
                        f"--service-account-private-key-file={creds.sa_key}",
                        f"--root-ca-file={creds.ca_cert}",
                        "--use-service-account-credentials=true",
                        "--leader-elect=false",
                        "--secure-port=0",
                        "--controllers=*",
                        "--concurrent-gc-syncs=5",
                        "--v=0",
                    ],
                )
        except BaseException:
            self.stop()
            raise

    def _spawn(self, name: str, argv: list[str]) -> None:
        assert self.workdir is not None
        log = (self.workdir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.workdir
        )
        log.close()
        self._processes.append((name, process))

    def _ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.credentials.ca_cert))
        context.load_cert_chain(self.credentials.admin_cert, self.credentials.admin_key)
        return context

    def _wait_ready(self, url: str, timeout: float) -> None:
        context = self._ssl_context()
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            for name, process in self._processes:
                if process.poll() is not None:
                    raise ClusterError(f"{name} exited with {process.returncode}: {self.log(name)}")
            try:
                with urllib.request.urlopen(url, context=context, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise ClusterError(f"{url} not ready after {timeout} s ({last})")

    def log(self, name: str, tail: int = 2000) -> str:
        assert self.workdir is not None
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def get(self, path: str) -> tuple[int, bytes]:
        """A GET on the API server as the admin; returns status and body."""
        request = urllib.request.Request(f"{self.server}{path}")
        try:
            with urllib.request.urlopen(request, context=self._ssl_context()) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def kubectl(
        self, *args: str, input: str | None = None, check: bool = True, token: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        argv = [self.binary("kubectl"), f"--kubeconfig={self.kubeconfig_path}"]
        if token is not None:
            # Everything from the kubeconfig but the admin certificate.
            argv = [
                self.binary("kubectl"),
                f"--server={self.server}",
                f"--certificate-authority={self.credentials.ca_cert}",
                f"--token={token}",
            ]
        result = subprocess.run(
            [*argv, *args], input=input, capture_output=True, text=True, timeout=60
        )
        if check and result.returncode != 0:
            raise ClusterError(f"kubectl {' '.join(args)}: {result.stderr.strip()}")
        return result

    def dry_run(self, docs: Sequence[Mapping[str, Any]]) -> int:
        """How many of `docs` the API server accepts in a server-side apply dry run with strict
        validation (schemas, CRDs' included); a refused one raises ClusterError. Fields other
        tests' managers own on objects of the same name are taken over (--force-conflicts): a
        dry run checks the documents, not who else wrote them."""
        out = self.kubectl(
            "apply",
            "--dry-run=server",
            "--validate=strict",
            "--server-side",
            "--force-conflicts",
            "--field-manager=reach-test",
            "-f",
            "-",
            input=yaml.safe_dump_all(docs),
        )
        return out.stdout.count("(server dry run)")

    def stop(self) -> None:
        for _, process in reversed(self._processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process in reversed(self._processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self._processes.clear()
        if self._owns_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", type=Path, required=True, help="folder of the k8s binaries")
    parser.add_argument("--dir", type=Path, help="state folder (default: a new temp folder)")
    args = parser.parse_args()
    cluster = LocalCluster(args.bin, workdir=args.dir)
    # SIGTERM's default action ends Python without running `finally`, which would leave the
    # servers (each in its own session) behind; raising here unwinds through `stop()` instead,
    # also while `start()` is still waiting for the API server.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    started = time.monotonic()
    try:
        cluster.start()
        print(f"cluster ready in {time.monotonic() - started:.1f} s")
        print(f"export KUBECONFIG={cluster.kubeconfig_path}", flush=True)
        print("Ctrl-C stops it.", flush=True)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    main()
