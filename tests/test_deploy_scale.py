"""The deployment files of issue 19 hold together: Kubernetes manifests against the API schemas
(``kubernetes-validate``, from PyPI, with its bundled schemas: no cluster, no network), the Deployment's
probes on the addresses the server answers, and the HAProxy files (``haproxy -c`` when installed)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml
from conftest import ROOT

from purposecase.voila_config import guard, workshop

K8S = ROOT / "deploy" / "kubernetes"
HAPROXY = ROOT / "deploy" / "haproxy"
MANIFESTS = ["deployment.yaml", "service.yaml", "ingress.yaml", "hpa.yaml", "secret.example.yaml"]


def _documents() -> list[dict]:
    return [d for name in MANIFESTS for d in yaml.safe_load_all((K8S / name).read_text()) if d]


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifests_match_the_kubernetes_schemas(name):
    import kubernetes_validate

    for document in yaml.safe_load_all((K8S / name).read_text()):
        kubernetes_validate.validate(document, "1.33", strict=True)


def test_the_kustomization_names_every_manifest_but_the_example_secret():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(m for m in MANIFESTS if not m.startswith("secret"))


def test_the_deployment_fits_the_server():
    docs = {d["kind"]: d for d in _documents()}
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert env["PURPOSECASE_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "werkboek-database", "key": "url"}
    assert docs["Secret"]["metadata"]["name"] == "werkboek-database"
    assert container["readinessProbe"]["httpGet"]["path"] == "/voila/api/werkboek/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/voila/api/werkboek"
    assert container["command"][:2] == ["purposecase", "serve"] and "0.0.0.0" in container["command"]
    # the graceful stop fits in the grace period: preStop pause + every kernel's time to save
    assert pod["terminationGracePeriodSeconds"] >= 5 + workshop.SHUTDOWN_WAIT_SECONDS + 10
    # the settings parse as the server parses them
    for name in (guard.MAX_KERNELS_ENV, guard.TRUSTED_PROXIES_ENV, workshop.WORKSHOP_ENV):
        assert name in env
    affinity = [d for d in _documents() if d["kind"] == "Ingress"]
    assert len(affinity) == 2
    for ingress in affinity:
        notes = ingress["metadata"]["annotations"]
        assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
        assert notes["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"
    pages = next(i for i in affinity if i["metadata"]["name"] == "werkboek-pages")
    assert pages["metadata"]["annotations"]["nginx.ingress.kubernetes.io/limit-rpm"] == "20"
    assert docs["HorizontalPodAutoscaler"]["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_the_haproxy_busy_page_is_the_servers_busy_page():
    raw = (HAPROXY / "werkboek-druk.http").read_bytes()
    head, body = raw.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 429 ") and f"Content-Length: {len(body)}".encode() in head
    assert body.decode() == guard.busy_page("rate")


def test_the_haproxy_config_is_valid(tmp_path):
    if not shutil.which("haproxy"):
        pytest.skip("haproxy is not installed (make haproxy)")
    config = (HAPROXY / "werkboek.cfg").read_text().replace(
        "/etc/haproxy/werkboek-druk.http", str(HAPROXY / "werkboek-druk.http")
    )
    (tmp_path / "werkboek.cfg").write_text(config)
    result = subprocess.run(["haproxy", "-c", "-f", str(tmp_path / "werkboek.cfg")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_mistake():
    import kubernetes_validate

    [deployment] = [d for d in _documents() if d["kind"] == "Deployment"]
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = ["http"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, "1.33", strict=True)
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["replica"] = 2  # a typo: strict mode refuses unknown fields
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, "1.33", strict=True)
