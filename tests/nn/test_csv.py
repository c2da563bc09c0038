"""nn.data.load_csv: your own data as (X, y) arrays; a bad row is a ValueError naming its line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nn import data


def write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_last_column_is_the_target_and_a_header_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "x1,x2,label\n0.5,1,0\n-2,3.25,1\n\n4e-3,6,2\n")
    X, y = data.load_csv(path)
    np.testing.assert_array_equal(X, [[0.5, 1.0], [-2.0, 3.25], [0.004, 6.0]])
    assert y.tolist() == [0, 1, 2] and y.dtype.kind == "i"
    X0, y0 = data.load_csv(path, target=0)
    np.testing.assert_array_equal(X0, [[1.0, 0.0], [3.25, 1.0], [6.0, 2.0]])
    assert y0.tolist() == [0.5, -2.0, 0.004] and y0.dtype.kind == "f"  # not whole: regression


def test_header_choice_and_delimiter(tmp_path: Path) -> None:
    path = write(tmp_path, "1;2;3\n4;5;6\n")
    assert data.load_csv(path, delimiter=";")[0].tolist() == [[1.0, 2.0], [4.0, 5.0]]
    assert data.load_csv(path, delimiter=";", header=True)[0].tolist() == [[4.0, 5.0]]
    named = write(tmp_path, "\ufeffa,b\n1,2\n", "bom.csv")  # a byte-order mark is fine
    assert data.load_csv(named)[1].tolist() == [2]
    with pytest.raises(ValueError, match="line 1, column 1: 'a' is not a number"):
        data.load_csv(named, header=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,0\n3,x,1\n", "line 2, column 2: 'x' is not a number"),
        ("1,2,0\n3,4\n", "line 2 has 2 fields, the first row has 3"),
        ("1,2,0\n3,4,5,6\n", "line 2 has 4 fields"),
        ("1,2,0\n\n\n3,,1\n", "line 4, column 2 is empty"),
        ("1,2,0\n3,nan,1\n", "line 2, column 2: 'nan' is not a finite number"),
        ("1,2,0\n3,1e999,1\n", "line 2, column 2: '1e999' is not a finite number"),
        ('a,b,c\n1,2,0\n"3\n",5,1\n7,y,0\n', "line 5, column 2: 'y'"),  # a quoted newline
        ('1,2,0\n"3\n,4",5,1\n', "line 2, column 1: '3\\\\n,4' is not a number"),
        ("a,b\n", "holds no rows of numbers"),
        ("", "holds no rows of numbers"),
        ("1\n2\n", "line 1 has 1 field; a data set needs features and a target"),
        ("1,2,0\n,,\n3,4,1\n", "line 2, column 1 is empty"),  # only blank lines are skipped
        ("1,2,0\n , , \n3,4,1\n", "line 2, column 1 is empty"),
        ("1,2,0\n\t,\t,\n", "line 2, column 1 is empty"),
        (",,\n1,2,0\n", "line 1, column 1 is empty"),  # not a header: no names in it
    ],
)
def test_a_bad_row_is_a_value_error_naming_its_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as error:
        data.load_csv(path)
    assert str(path) in str(error.value)


def test_blank_and_whitespace_lines_are_skipped(tmp_path: Path) -> None:
    X, y = data.load_csv(write(tmp_path, "1,2,0\n\n   \n\t\n3,4,1\n"))
    assert X.tolist() == [[1.0, 2.0], [3.0, 4.0]] and y.tolist() == [0, 1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "x,2019,label\n1,2,0\n",  # a numeric column name: not detected as a header
            "line 1, column 1: 'x' is not a number; if this line holds column names, "
            "pass header=True",
        ),
        (
            "1,2,cat\n3,4,dog\n",
            "line 1, column 3: 'cat' is not a number; the labels must be numbers: "
            "map class names to integers 0, 1, ... first",
        ),
        (
            "1,2,label\n1,2,0\n",  # column names that are partly numbers: not found by header=None
            r"line 1, column 3: 'label' is not a number; .* \(if this line holds column names, "
            "pass header=True\\)",
        ),
        ("1,2,0\n3,4,dog\n", "line 2, column 3: 'dog' is not a number; the labels must be"),
        ("1;2;0\n", "line 1 has 1 field; .* pass delimiter=';'"),
        ("a;b;c\n1;2;0\n4;5;6\n", "line 1 has 1 field; .* pass delimiter=';'"),
        ("1\t2\t0\n", "pass delimiter='\\\\t'"),
    ],
)
def test_errors_say_what_to_do(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        data.load_csv(write(tmp_path, text))


def test_hints_only_where_they_apply(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="line 2, column 1: 'x' is not a number$"):
        data.load_csv(write(tmp_path, "1,2,0\nx,2,0\n"))  # not the first line: no header hint
    with pytest.raises(ValueError, match="line 1, column 1: 'x' is not a number$"):
        data.load_csv(write(tmp_path, "x,2,0\n"), header=False)  # header chosen: no hint
    with pytest.raises(ValueError, match="line 1 has 1 field; .*is the delimiter ';' right"):
        data.load_csv(write(tmp_path, "1\n2\n"), delimiter=";")
    X, _ = data.load_csv(write(tmp_path, "x,2019,label\n1,2,0\n"), header=True)
    assert X.tolist() == [[1.0, 2.0]]


def test_text_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, b"1,2,0\n3,4,1\n5,\xff,0\n")
    with pytest.raises(ValueError, match="line 3 is not UTF-8"):
        data.load_csv(path)


def test_large_files_are_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "1,2,0\n" * 100)
    with pytest.raises(ValueError, match="larger than max_bytes=100 bytes"):
        data.load_csv(path, max_bytes=100)
    assert data.load_csv(path, max_bytes=600)[0].shape == (100, 2)
    with pytest.raises(ValueError, match="field larger than field limit"):
        data.load_csv(write(tmp_path, "1," + "2" * 200_000 + ",0\n", "wide.csv"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": 3}, "target column 3 does not exist: rows have 3"),
        ({"target": -4}, "target column -4"),
        ({"target": 1.0}, "target must be a column index"),
        ({"delimiter": ";;"}, "delimiter must be one character"),
        ({"header": "yes"}, "header must be"),
        ({"max_bytes": 0}, "max_bytes"),
    ],
)
def test_bad_arguments(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        data.load_csv(write(tmp_path, "1,2,0\n"), **kwargs)  # type: ignore[arg-type]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(1, 8),
    st.integers(2, 5),
    st.data(),
)
def test_a_written_table_reads_back_exactly(
    tmp_path: Path, rows: int, cols: int, draw: st.DataObject
) -> None:
    finite = st.floats(allow_nan=False, allow_infinity=False)
    table = np.array(
        draw.draw(
            st.lists(st.lists(finite, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
        )
    )
    target = draw.draw(st.integers(-cols, cols - 1))
    text = "\n".join(",".join(repr(float(v)) for v in row) for row in table)
    X, y = data.load_csv(write(tmp_path, text), target=target)
    np.testing.assert_array_equal(X, np.delete(table, target % cols, axis=1))
    np.testing.assert_array_equal(y, table[:, target % cols])
