"""Small OneRoster packages written on the fly, for the cases a fixture folder would only repeat."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "oneroster"

ORGS = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\norg-1,,,School One,school,,\n"
USERS = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName\n"
    "u-1,,,true,ann,,Ann,Lee\n"
)
ROLES = (
    "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId\n"
    "r-1,,,u-1,primary,student,,,org-1\n"
)


def manifest(modes: dict[str, str], version: str = "1.2") -> str:
    lines = ["propertyName,value", "manifest.version,1.0", f"oneroster.version,{version}"]
    lines += [f"file.{name},{mode}" for name, mode in modes.items()]
    return "\n".join(lines) + "\n"


def package(
    folder: Path, files: dict[str, str | bytes], modes: dict[str, str] | None = None, version: str = "1.2"
) -> Path:
    """Write ``files`` (name without .csv -> content) and a manifest listing them as bulk unless ``modes`` says."""
    folder.mkdir(parents=True, exist_ok=True)
    declared = {name: "bulk" for name in files if name != "manifest"} | (modes or {})
    if "manifest" not in files:
        (folder / "manifest.csv").write_text(manifest(declared, version), encoding="utf-8")
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / f"{name}.csv").write_bytes(data)
    return folder
