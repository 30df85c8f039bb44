"""The confirm child's environment without secrets, and the scrubbing of secrets out of what the run
reports (evidence, stderr).

A variable is dropped when its name looks like a credential (TOKEN, SECRET, PASSWORD, KEY,
CREDENTIAL, cloud and service prefixes) or its value does (a known token format, a URL with a
password, a private key); the toolchain's own variables (PATH, LANG, LC_*, CUDA_*, XLA_*, TF_*,
KERAS_*, JAX_*, ...) are kept unless their value looks like a secret.
"""

from __future__ import annotations

import re

KEEP_NAMES = {
    "PATH", "LANG", "LANGUAGE", "TZ", "TERM", "USER", "LOGNAME", "SHELL", "PWD", "LD_LIBRARY_PATH",
    "LD_PRELOAD", "PYTHONPATH", "PYTHONHASHSEED", "PYTHONWARNINGS", "PYTHONIOENCODING", "VIRTUAL_ENV",
    "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
    "KMP_AFFINITY", "NUMEXPR_MAX_THREADS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
}
KEEP_PREFIXES = ("LC_", "CUDA_", "XLA_", "TF_", "KERAS_", "JAX_", "NVIDIA_", "NCCL_", "CUDNN_", "ROCM_",
                 "HIP_", "TORCH_", "PYTORCH_", "OMP_", "MKL_", "MPL", "TFHUB_")
# Names with KEY in them that hold no key.
SAFE_KEY_NAMES = {"KEYBOARD", "XKB_DEFAULT_LAYOUT", "KEYTIMEOUT", "XDG_SEAT", "QT_IM_MODULE"}
_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW(OR)?D|PASSPHRASE|PASSWD|CREDENTIAL|PRIVATE|KEY|AUTH|COOKIE|SESSION|_PAT$|^PAT_|"
    r"^AWS_|^AZURE_|^ARM_CLIENT|^GOOGLE_|^GCLOUD_|^CLOUDSDK_|^GCP_|^GH_|^GITHUB_|^GITLAB_|^HF_TOKEN|"
    r"^HUGGING_FACE_HUB_TOKEN|^KAGGLE_|^WANDB_|^COMET_|^NEPTUNE_|^MLFLOW_TRACKING_(USERNAME|PASSWORD|TOKEN)|"
    r"^OPENAI_|^ANTHROPIC_|^DATABRICKS_|^SNOWFLAKE_|^SSH_|^GPG_|^DOCKER_|^NPM_|^PYPI_|^TWINE_|^VAULT_|"
    r"^SENTRY_DSN|^SLACK_|^DISCORD_|^TELEGRAM_|^DATABASE_URL|^REDIS_URL|^MONGO|^PG(PASSWORD|USER|HOST)",
    re.IGNORECASE,
)
_SECRET_VALUE = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}|"
    r"\bhf_[A-Za-z0-9]{20,}|\bsk-[A-Za-z0-9_-]{20,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b|"
    r"\bglpat-[A-Za-z0-9_-]{20,}|\bAIza[0-9A-Za-z_-]{30,}|[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"
)
# Dropped values scrubbed from the report: those of names that name a secret outright (not a path).
_STRONG_NAME = re.compile(r"TOKEN|SECRET|PASSW|PASSPHRASE|KEY|CREDENTIAL|PRIVATE|COOKIE|_PAT$|^PAT_", re.IGNORECASE)
PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)"
)
REDACTED = "[redacted by tllint]"


def kept(name: str, value: str) -> bool:
    if _SECRET_VALUE.search(value or ""):
        return False
    upper = name.upper()
    if upper in KEEP_NAMES or upper.startswith(KEEP_PREFIXES):
        return True
    if upper in SAFE_KEY_NAMES:
        return True
    return not _SECRET_NAME.search(upper)


def filter_environment(env: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(the environment without secret-looking variables, the dropped values worth scrubbing)."""
    out: dict[str, str] = {}
    dropped: list[str] = []
    for name, value in env.items():
        if kept(name, value):
            out[name] = value
        elif _SECRET_VALUE.search(value or ""):
            dropped.append(value)
        elif _STRONG_NAME.search(name) and len(value) >= 8 and not value.startswith(("/", "~")) and " " not in value:
            dropped.append(value)
    return out, sorted(set(dropped), key=len, reverse=True)


def scrub(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """`text` without private keys and without any of `secrets` (the dropped values)."""
    if not isinstance(text, str) or not text:
        return text
    if "PRIVATE KEY" in text:
        text = PRIVATE_KEY_BLOCK.sub(REDACTED, text)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def scrub_value(value, secrets):
    """`scrub` over the strings of a JSON-like value (events)."""
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, list):
        return [scrub_value(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: scrub_value(v, secrets) for k, v in value.items()}
    return value
