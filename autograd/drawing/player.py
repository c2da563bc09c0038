"""The stepper's outputs without a kernel: one self-contained HTML page, and an animated GIF.

The page holds every frame as inline SVG (rendered by ``dot``), a slider, play and step buttons,
and arrow keys; it loads nothing from the network (its Content-Security-Policy forbids it) and
runs only its own script (allowed by hash, so an injected ``<script>`` could not run even if it
got past the escaping).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from importlib import resources
from string import Template

from autograd.drawing.labels import escape


def _template(name: str) -> str:
    return resources.files("autograd.drawing").joinpath(name).read_text(encoding="utf-8")


def inline_svg(svg: str, prefix: str) -> str:
    """dot's SVG made fit to sit inside HTML: no XML prolog or comments, ids made unique."""
    body = svg[svg.index("<svg") :]
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    return re.sub(r'\bid="([^"]*)"', lambda m: f'id="{prefix}{m.group(1)}"', body)


def html_page(svgs: list[str], title: str, delay_ms: int = 1200) -> str:
    """The player page for SVG frames: slider, first/previous/play/next/last, arrow keys."""
    script = _template("stepper.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    frames = "\n".join(
        f'<figure class="frame" id="frame-{k}" aria-label="step {k}"{"" if k == 0 else " hidden"}>'
        f"{inline_svg(svg, f'f{k}-')}</figure>"
        for k, svg in enumerate(svgs)
    )
    return Template(_template("stepper.html")).substitute(
        title=escape(title),
        script=script,
        script_hash=f"sha256-{digest}",
        frames=frames,
        last=len(svgs) - 1,
        delay=int(delay_ms),
    )


def gif_bytes(pngs: list[bytes], delay_ms: int = 1200) -> bytes:
    """Assemble PNG frames into a looping GIF (needs Pillow); the last frame stays longer."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            "Stepper.to_gif needs Pillow: pip install pillow "
            "(from a chainrule checkout: pip install -e '.[gif]')"
        ) from None
    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    frames = []
    for image in images:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(image, (0, 0))
        frames.append(canvas.quantize(colors=64, method=Image.Quantize.MEDIANCUT))
    durations = [delay_ms] * (len(frames) - 1) + [delay_ms * 3]
    out = io.BytesIO()
    frames[0].save(
        out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0
    )
    return out.getvalue()
