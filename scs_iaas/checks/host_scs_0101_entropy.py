"""scs-0101 v1.1 "Entropy in SCS clouds": compute nodes use CPUs with entropy instructions
(RDSEED or RDRAND on x86_64, RNDR on arm64), and the hypervisor does not filter them.

Judged on nodes that run nova-compute. "Not filtered" is Nova's ``[libvirt]`` CPU model:
``host-passthrough`` and ``host-model`` (the default for kvm/qemu) hand the host's RDRAND/RDSEED
to guests; ``custom`` hands out what the named models have, plus ``cpu_model_extra_flags``;
``none`` gives QEMU's default model, which has neither.
"""

from __future__ import annotations

from scs_iaas.checks.base import Check, Context, std_url
from scs_iaas.checks.host_config import default_note, unreadable, where
from scs_iaas.host.config import ConfigFacts
from scs_iaas.model.findings import Finding, Test

URL = std_url("scs-0101-v1-entropy")
CPU = Test(
    "scs-iaas-host-entropy-cpu",
    "scs-0101",
    "v1",
    "the compute node's CPU has RDRAND/RDSEED (x86_64) or RNDR (arm64)",
    "run compute on CPUs with entropy instructions (Intel since 2012, AMD since 2015, "
    "arm64 with FEAT_RNG); on a VM as compute node, pass them through",
    URL,
)
GUEST = Test(
    "scs-iaas-host-entropy-guest-cpu",
    "scs-0101",
    "v1",
    "Nova does not filter the entropy instructions from guests",
    "nova.conf [libvirt] cpu_mode = host-model (or host-passthrough); with custom, choose "
    "cpu_models that have RDRAND/RDSEED or add cpu_model_extra_flags = +rdrand,+rdseed",
    URL,
)

# QEMU's named x86 models without RDRAND, and those with RDRAND but without RDSEED (from
# QEMU's target/i386/cpu.c feature words; a "-v2"… suffix keeps its base model's set)
NO_RDRAND = frozenset(
    {"qemu64", "kvm64", "qemu32", "kvm32", "core2duo", "coreduo", "pentium", "pentium2"}
    | {"pentium3", "athlon", "phenom", "n270", "conroe", "penryn", "nehalem", "westmere"}
    | {"sandybridge", "opteron_g1", "opteron_g2", "opteron_g3", "opteron_g4", "opteron_g5"}
)
NO_RDSEED = frozenset({"ivybridge", "haswell", "haswell-noTSX".lower()})


def _base(model: str) -> str:
    low = model.strip().lower()
    for suffix in ("-ibrs", "-notsx-ibrs", "-notsx", "-client", "-server"):
        low = low.removesuffix(suffix)
    return low.split("-v")[0]


def _model_has(model: str) -> tuple[bool, bool] | None:
    """(rdrand, rdseed) of a named QEMU x86 model; None when the model is not in our tables
    and newer than every model there (all later models have both)."""
    base = _base(model)
    if base in NO_RDRAND:
        return (False, False)
    if base in NO_RDSEED:
        return (True, False)
    return None


def _guest(facts: ConfigFacts) -> list[Finding]:
    svc = facts.services.get("nova-compute")
    if svc is None:
        return []
    bad = unreadable(GUEST, svc)
    if bad is not None:
        return [bad]
    conf = svc.ini()
    res = where(svc)
    driver = (conf.get("DEFAULT", "compute_driver") if conf else None) or "libvirt.LibvirtDriver"
    if "libvirt" not in driver.lower():
        return [GUEST.skipped(f"compute_driver = {driver}: not libvirt, no CPU model", res)]
    virt_type = (conf.get("libvirt", "virt_type") if conf else None) or "kvm"
    mode = conf.get("libvirt", "cpu_mode") if conf else None
    effective = (mode or ("host-model" if virt_type in ("kvm", "qemu") else "none")).lower()
    extra = {
        f.strip().lower()
        for f in ((conf.get_list("libvirt", "cpu_model_extra_flags") if conf else None) or ())
    }
    removed = sorted(f.lstrip("-") for f in extra if f in ("-rdrand", "-rdseed"))
    added = {f.lstrip("+") for f in extra if f.lstrip("+") in ("rdrand", "rdseed")} - {
        f.lstrip("-") for f in extra if f.startswith("-")
    }
    setting = f"[libvirt] cpu_mode {default_note(mode, effective)}"
    if removed and not (set(("rdrand", "rdseed")) - set(removed)):
        return [
            GUEST.failed(f"{setting}, but cpu_model_extra_flags removes {', '.join(removed)}", res)
        ]
    if effective in ("host-model", "host-passthrough"):
        if removed:
            return [
                GUEST.warned(
                    f"{setting}; cpu_model_extra_flags removes {removed[0]} (the other stays)", res
                )
            ]
        return [GUEST.passed(f"{setting}: guests see the host's entropy instructions", res)]
    if effective == "none":
        if added:
            return [GUEST.passed(f"{setting} with extra flags {', '.join(sorted(added))}", res)]
        return [
            GUEST.failed(
                f"{setting}: guests get QEMU's default CPU model, without RDRAND/RDSEED", res
            )
        ]
    if effective != "custom":
        return [GUEST.warned(f"{setting}: unknown mode, cannot tell what guests see", res)]
    models = (conf.get_list("libvirt", "cpu_models") if conf else None) or ()
    if not models:
        return [GUEST.failed(f"{setting} without cpu_models: Nova refuses to start", res)]
    if facts.entropy.arch == "arm64":
        return [
            GUEST.warned(
                f"{setting} with cpu_models {', '.join(models)}: cannot tell "
                "whether these arm64 models expose RNDR",
                res,
            )
        ]
    lacking = []
    for model in models:
        has = _model_has(model)
        rdrand = (has is None or has[0] or "rdrand" in added) and "rdrand" not in removed
        rdseed = (has is None or has[1] or "rdseed" in added) and "rdseed" not in removed
        if not (rdrand or rdseed):
            lacking.append(model)
    if lacking:
        return [
            GUEST.failed(
                f"{setting}: cpu_models {', '.join(lacking)} have neither RDRAND nor RDSEED "
                "(and cpu_model_extra_flags does not add them)",
                res,
            )
        ]
    return [GUEST.passed(f"{setting}, cpu_models {', '.join(models)} offer RDRAND/RDSEED", res)]


def check(facts: ConfigFacts) -> list[Finding]:
    if facts.services.get("nova-compute") is None:
        return []
    e = facts.entropy
    if not e.arch:
        cpu = CPU.aborted("no /proc/cpuinfo: cannot tell the CPU's instructions", "host")
    elif e.instructions:
        cpu = CPU.passed(f"{e.arch} CPU offers {', '.join(e.instructions)}", "host")
    else:
        want = "RNDR (FEAT_RNG)" if e.arch == "arm64" else "RDRAND nor RDSEED"
        cpu = CPU.failed(
            f"{e.arch} CPU offers neither {want}".replace("neither RNDR", "no RNDR"), "host"
        )
    return [cpu, *_guest(facts)]


def run(ctx: Context) -> list[Finding]:
    assert ctx.host is not None and ctx.host.config is not None
    return check(ctx.host.config)


CHECK = Check(
    name="scs-0101 entropy on compute nodes",
    tests=[CPU, GUEST],
    needs=frozenset({"host:config"}),
    run=run,
)
