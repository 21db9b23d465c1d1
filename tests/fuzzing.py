"""Files damaged the way real files get damaged, for property tests of readers."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st


def mutated(originals: Sequence[bytes], tricky: Sequence[bytes], longest: int) -> st.SearchStrategy[bytes]:
    """One of `originals` with a few bytes inserted (tricky ones or any), deleted or repeated;
    a deletion or repetition spans at most `longest` bytes."""

    @st.composite
    def files(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(list(originals))))
        for _ in range(draw(st.integers(1, 5))):
            at = draw(st.integers(0, len(data)))
            end = min(len(data), at + draw(st.integers(0, longest)))
            change = draw(st.sampled_from(["insert", "delete", "repeat"]))
            if change == "insert":
                data[at:at] = draw(st.sampled_from(list(tricky)) | st.binary(min_size=1, max_size=8))
            elif change == "delete":
                del data[at:end]
            else:
                data[at:at] = data[at:end] * draw(st.integers(1, 40))
        return bytes(data)

    return files()
