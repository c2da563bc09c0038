"""A traced graph replayed by groups: like gates at one depth computed by one numpy call.

The scalar program (:mod:`autograd.compiler.scalar`) spends one Python line per gate; for a big
graph, or for a batch of inputs, that is too many lines. Here the gates are grouped instead:

1. **Sums are fused.** A chain of ``+`` gates, ``b + w1*x1 + w2*x2 + ...`` (a neuron, an L2
   penalty, a mean), becomes one sum node whose terms are the ``*`` gates it adds (products) and
   the other nodes (plain terms). Its derivative is simple: 1 to each plain term, and the other
   factor to each factor of a product.
2. **Like nodes at one depth form a group.** The depth of a node is 1 + the largest depth of its
   inputs (leaves: 0). All the ``tanh`` gates of one depth, or all the sums of one depth with the
   same pattern of terms, are computed together: their inputs are gathered into arrays with one
   row per gate, and the op's **rule runs on those arrays** (the op table's rules work on numpy
   arrays as they do on floats). Sums whose products share their second factors (the neurons of
   a layer: the same inputs, their own weights) are a matrix product: ``b + W @ x``.
3. **Backward goes group by group, from the last back,** scattering ``local * upstream`` into the
   groups the inputs came from (and summing over the batch where a batch meets a parameter).

On a batch, every node that depends on an argument holds one number per sample (a row of the
batch's size); the closed-over leaves and constants hold one number. The plan is written out as
numpy code (``Program.vector_source``) and run like the scalar program. Sums add their terms in
another order than the gates did, so results agree with the interpreter to about 1e-15 relative,
not to the bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import ops
from autograd.compiler import source as loader
from autograd.compiler.scalar import value_exponent
from autograd.compiler.trace import Trace
from autograd.value import Value

ARGUMENTS, CLOSED, CONSTANTS = 0, 1, 2
"""The three leaf groups, first in every plan."""

LEGEND = (
    "G<k>: the values of group k, one row per node; D<k>: their gradients",
    "L<k>_<j>: group k's local derivatives with respect to its input j (from the op's rule)",
    "A<k>, B<k>: the two factors of group k's products; T<k>: its other terms",
    "I<k>, K<k>, P<k>: index arrays that pick rows (read them in program.namespace)",
)
"""The names the plan's code uses, written at its top."""


@dataclass(eq=False)
class Node:
    """A node of the plan: a gate of the trace, or a fused sum of terms.

    ``terms`` (sums only) holds, per term, either ``(node,)`` (a plain term) or ``(a, b)`` (a
    product ``a * b``); ``inputs`` are the trace nodes it reads, in order.
    """

    value: Value
    op: ops.Op | None  # None for a fused sum
    inputs: list[Value]
    terms: list[tuple[Value, ...]] = field(default_factory=list)

    @property
    def pattern(self) -> tuple[int, ...]:
        """The sizes of the terms: (1, 2, 2) for b + w1*x1 + w2*x2."""
        return tuple(len(term) for term in self.terms)


def fuse(t: Trace) -> list[Node]:
    """The plan's nodes in topological order: gates, with chains of ``+`` fused into sums."""
    users: dict[Value, list[Value]] = {node: [] for node in t.order}
    for node in t.order:
        for parent in node.parents:
            users[parent].append(node)
    outputs = {t.root, *t.aux}  # the program returns these, so each keeps a row of its own

    def links(node: Value) -> bool:
        """Is ``node`` a ``+`` gate inside a chain: used only as the first input of a ``+``?"""
        return (
            node.gate is ops.ADD
            and node not in outputs
            and len(users[node]) == 1
            and users[node][0].gate is ops.ADD
            and users[node][0]._x is node
        )

    sums: dict[Value, list[tuple[Value, ...]]] = {}  # the last + of each chain: its terms
    absorbed: set[Value] = set()  # the * gates that became products of a sum
    for node in t.order:
        if node.gate is not ops.ADD or links(node):
            continue
        chain, plain = {node}, []
        link = node
        while True:  # from the last + of the chain down to its first
            plain.append(link.parents[1])
            first = link.parents[0]
            if not links(first):
                plain.append(first)
                break
            chain.add(first)
            link = first
        terms: list[tuple[Value, ...]] = []
        for term in reversed(plain):
            product = (
                term.gate is ops.MUL
                and term not in outputs
                and len(users[term]) == 1
                and users[term][0] in chain
                and term not in absorbed
            )
            if product:  # a * gate that only this sum uses
                absorbed.add(term)
                terms.append(term.parents)
            else:
                terms.append((term,))
        sums[node] = terms
    nodes: list[Node] = []
    for node in t.order:
        if node.is_leaf or node in absorbed or (node.gate is ops.ADD and node not in sums):
            continue
        if node in sums:
            terms = sums[node]
            nodes.append(Node(node, None, [x for term in terms for x in term], terms))
        else:
            nodes.append(Node(node, node.gate, list(node.parents)))
    return nodes


@dataclass(eq=False)
class Group:
    """Nodes computed by one numpy call: their values are the rows of one array ``G<index>``."""

    index: int
    members: list[Any]  # plan Nodes, or leaves for the three leaf groups
    batched: bool
    op: ops.Op | None = None
    pattern: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return f"G{self.index}"

    @property
    def grad(self) -> str:
        return f"D{self.index}"


class Plan:
    """The graph of a :class:`~autograd.compiler.trace.Trace` as numpy code over groups:
    ``source``, and ``run``. ``batched``: the arguments are arrays of one sample per element
    (else: floats). The plan keeps its code and the index arrays the code reads, not the graph
    it was written from.
    """

    def __init__(self, t: Trace, batched: bool) -> None:
        writer = Writer(t, batched)
        self.batched = batched
        self.source = writer.source
        self.namespace = writer.namespace
        self.program = loader.load(self.source, "program", self.namespace)

    def run(self, arguments: Sequence[Any], closed: Sequence[float]) -> Any:
        """The pass on ``arguments`` (floats, or arrays of one length): ``(value, argument
        gradients, closed-over gradients[, aux])``, or None where a result is not finite."""
        with np.errstate(all="ignore"):
            return self.program(arguments, closed)


class Writer:
    """Writes a plan's code: groups the graph's nodes, gathers their inputs, scatters their
    gradients."""

    def __init__(self, t: Trace, batched: bool) -> None:
        self.trace = t
        self.batched = batched
        self.constants = [node for node in t.order if node.is_constant]
        self.namespace: dict[str, Any] = {"np": np, "scatter": scatter}
        self.groups = self._groups(fuse(t))
        self.place: dict[Value, tuple[Group, int]] = {}  # each node: its group and row
        for group in self.groups:
            for row, member in enumerate(group.members):
                self.place[member.value if isinstance(member, Node) else member] = (group, row)
        self.namespace["C"] = np.array([c.data for c in self.constants], dtype=float)
        self._serial = 0
        self.source = self._source()

    # -- grouping ---------------------------------------------------------------------------------

    def _groups(self, nodes: list[Node]) -> list[Group]:
        t = self.trace
        batched: dict[Value, bool] = {a: self.batched for a in t.arguments}
        depth: dict[Value, int] = {leaf: 0 for leaf in t.order if leaf.is_leaf}
        keyed: dict[tuple[Any, ...], Group] = {}
        groups = [
            Group(ARGUMENTS, list(t.arguments), self.batched),
            Group(CLOSED, list(t.closed), False),
            Group(CONSTANTS, self.constants, False),
        ]
        for node in nodes:
            depth[node.value] = 1 + max(depth[x] for x in node.inputs)
            batched[node.value] = any(batched.get(x, False) for x in node.inputs)
            kind = node.op.name if node.op is not None else node.pattern
            checked = value_exponent(node.value)  # its base is checked: apart from x ** 2
            key = (depth[node.value], kind, batched[node.value], checked)
            if key not in keyed:
                keyed[key] = Group(0, [], batched[node.value], node.op, node.pattern)
            keyed[key].members.append(node)
        ordered = sorted(keyed.values(), key=lambda g: depth[g.members[0].value])
        for index, group in enumerate(ordered, start=len(groups)):
            group.index = index
            groups.append(group)
        return groups

    # -- gathering inputs and scattering gradients ----------------------------------------------
    #
    # Shapes: a group of k nodes holds an array of k rows, each a number (floats, or a node that
    # does not depend on the arguments) or a row of n numbers (a node of a batch of n samples).

    def _bind(self, prefix: str, value: Any) -> str:
        """A name in the program's namespace for ``value`` (an index array)."""
        self._serial += 1
        name = f"{prefix}{self._serial}"
        self.namespace[name] = value
        return name

    def _rows(self, sources: Sequence[Value], exact: bool = True) -> tuple[str, bool]:
        """An expression for the sources' values, one row each, and whether the rows are rows of
        the batch: a whole group's array when the sources are that group in order, a slice when
        they are a run of its rows, else its rows picked by an index array (from several groups:
        their rows joined, then put in order). Not ``exact``: one source for every row may come
        as a single row, which numpy broadcasts."""
        places = [self.place[s] for s in sources]
        groups = sorted({g.index for g, _ in places})
        batched = any(g.batched for g, _ in places)
        if len(groups) == 1:
            g = places[0][0]
            rows = [r for _, r in places]
            if not exact and len(set(rows)) == 1:
                return f"{g.name}[{rows[0]}:{rows[0] + 1}]", batched
            if rows == list(range(len(g.members))):
                return g.name, batched
            if rows == list(range(rows[0], rows[0] + len(rows))):
                return f"{g.name}[{rows[0]}:{rows[0] + len(rows)}]", batched
            return f"{g.name}[{self._bind('I', np.array(rows))}]", batched
        parts = []
        order = sorted(range(len(places)), key=lambda k: (places[k][0].index, places[k][1]))
        for index in groups:
            g = self.groups[index]
            picked = [places[k][1] for k in order if places[k][0].index == index]
            part = f"{g.name}[{self._bind('I', np.array(picked))}]"
            if batched and not g.batched:
                part = f"np.broadcast_to({part}[:, None], ({len(picked)}, n))"
            parts.append(part)
        inverse = np.empty(len(order), dtype=int)
        inverse[order] = np.arange(len(order))
        return f"np.concatenate([{', '.join(parts)}])[{self._bind('P', inverse)}]", batched

    def _operand(self, sources: Sequence[Value], group: Group, exact: bool) -> str:
        """The sources gathered to broadcast against ``group``'s rows: a number per row becomes
        a column when the group holds rows of the batch."""
        expr, batched = self._rows(sources, exact)
        return f"{expr}[:, None]" if group.batched and not batched else expr

    def _scatter(self, contribution: str, sources: Sequence[Value], batched: bool) -> list[str]:
        """Lines adding row k of ``contribution`` to the gradient of source k: rows for one source
        add up, and a row of the batch adds up into a node that holds one number."""
        lines = []
        by_group: dict[int, list[int]] = {}
        for k, s in enumerate(sources):
            if s in self.needs:
                by_group.setdefault(self.place[s][0].index, []).append(k)
        for index, ks in sorted(by_group.items()):
            g = self.groups[index]
            rows = [self.place[sources[k]][1] for k in ks]
            picked = f"({contribution})"
            if len(ks) < len(sources):
                picked = f"{picked}[{self._bind('K', np.array(ks))}]"
            if batched and not g.batched:
                picked = f"{picked}.sum(axis=-1)"
            if rows == list(range(len(g.members))):
                lines.append(f"{g.grad} += {picked}")
            elif rows == list(range(rows[0], rows[0] + len(rows))):
                lines.append(f"{g.grad}[{rows[0]}:{rows[0] + len(rows)}] += {picked}")
            else:
                lines.append(f"scatter({g.grad}, {self._bind('I', np.array(rows))}, {picked})")
        return lines

    # -- the code ---------------------------------------------------------------------------------

    def _source(self) -> str:
        t = self.trace
        self.needs = t.differentiable
        lines = ["def program(arguments, closed):"]
        lines += [f"    # {line}" for line in LEGEND]
        if self.batched:
            lines.append("    n = len(arguments[0])  # the batch's size")
        lines.append("    G0 = np.array(arguments, dtype=float)  # the arguments")
        lines.append("    G1 = np.array(closed, dtype=float)  # the Values f closed over")
        lines.append("    G2 = C  # the constants")
        lines.append("    # forward: one line per group of like gates")
        backward: list[list[str]] = []
        for group in self.groups[3:]:
            forward, back = self._group(group)
            lines += forward
            backward.append(back)
        if len(self.groups) > 3:
            total = " + ".join(f"{g.name}.sum()" for g in self.groups[3:])
            lines.append(f"    if not np.isfinite({total}):")
            lines.append("        return None  # a result that is not finite")
        lines.append("    # backward: from the last group back")
        for group in self.groups:
            if group.index != CONSTANTS and any(self._wanted(m) for m in group.members):
                rows = len(group.members)
                shape = f"({rows}, n)" if group.batched else f"{rows}"
                lines.append(f"    {group.grad} = np.zeros({shape})")
        root_group, root_row = self.place[t.root]
        if t.root in self.needs and self.batched and not root_group.batched:
            # no argument reaches the root: one value for the whole batch, and the n samples'
            # seeds of 1 add up to n (the closed-over gradients are sums over the batch)
            lines.append(f"    {root_group.grad}[{root_row}] = float(n)")
        elif t.root in self.needs:
            lines.append(f"    {root_group.grad}[{root_row}] = 1.0")
        for back in reversed(backward):
            lines += [f"    {line}" for line in back]
        zeros = "np.zeros((len(arguments), n))" if self.batched else "np.zeros(len(arguments))"
        argument_grads = "D0" if any(a in self.needs for a in t.arguments) else zeros
        closed_grads = "D1" if t.closed else "[]"
        returned = f"{root_group.name}[{root_row}], {argument_grads}, {closed_grads}"
        if t.aux:
            aux = ", ".join(f"{self.place[a][0].name}[{self.place[a][1]}]" for a in t.aux)
            returned += f", [{aux}]"
        lines.append(f"    return {returned}")
        return "\n".join(lines) + "\n"

    def _wanted(self, member: Any) -> bool:
        return (member.value if isinstance(member, Node) else member) in self.needs

    def _group(self, group: Group) -> tuple[list[str], list[str]]:
        """The forward lines of a group, and its backward lines."""
        if group.op is None:
            return self._sum(group)
        members: list[Node] = group.members
        rule = f"rule_{group.op.name}"
        self.namespace[rule] = group.op.rule
        operands = [  # the first operand has a row per member, so the output has too
            self._operand([m.inputs[j] for m in members], group, exact=j == 0)
            for j in range(group.op.arity)
        ]
        out = [group.name] + [f"L{group.index}_{j}" for j in range(group.op.arity)]
        forward = [
            f"    {', '.join(out)} = {rule}({', '.join(operands)})  # {self._describe(group)}"
        ]
        if value_exponent(members[0].value):  # so are all of the group's (see _groups)
            forward += [
                f"    if np.any(np.asarray({operands[0]}) < 0.0):",
                "        return None  # x ** y with x < 0: the interpreter says why",
            ]
        back: list[str] = []
        if any(self._wanted(m) for m in members):
            for j, local in enumerate(out[1:]):
                sources = [m.inputs[j] for m in members]
                back += self._scatter(f"{local} * {group.grad}", sources, group.batched)
        return forward, back

    def _sum(self, group: Group) -> tuple[list[str], list[str]]:
        """A group of fused sums: plain terms added; products as a matrix times a vector where
        every row shares the second factor of each product (a layer's neurons: their own
        weights, the same inputs), else multiplied elementwise and summed."""
        members: list[Node] = group.members
        k, index, grad = len(members), group.index, group.grad
        plain = [j for j, size in enumerate(group.pattern) if size == 1]
        products = [j for j, size in enumerate(group.pattern) if size == 2]
        forward: list[str] = []
        if len(plain) <= 2:  # the first term has a row per member, so the sum has too
            parts = [
                self._operand([m.terms[j][0] for m in members], group, exact=j == plain[0])
                for j in plain
            ]
        else:  # many plain terms: one (k, terms) array, summed along its rows
            terms = [m.terms[j][0] for m in members for j in plain]
            expr, batched = self._rows(terms)
            shape = f"{k}, {len(plain)}" + (", n" if batched else ", 1" if group.batched else "")
            forward.append(f"    T{index} = {expr}.reshape({shape})")
            parts = [f"T{index}.sum(axis=1)"]
        back: list[str] = []
        wanted = any(self._wanted(m) for m in members)
        if products:
            width = len(products)
            firsts = [m.terms[j][0] for m in members for j in products]  # row by row
            seconds = [m.terms[j][1] for m in members for j in products]
            a, b = f"A{index}", f"B{index}"
            shared = seconds[:width]
            if seconds == shared * k and not any(self._batched(x) for x in firsts):
                matrix, (vector, batched_vector) = self._rows(firsts)[0], self._rows(shared)
                forward.append(f"    {a} = {matrix}.reshape({k}, {width})")
                forward.append(f"    {b} = {vector}")
                column = group.batched and not batched_vector  # (k,): a number per member
                parts.append(f"({a} @ {b})[:, None]" if column else f"{a} @ {b}")
                if wanted:
                    if batched_vector:  # the batch's sum of each member's gradient times x
                        d_matrix = f"{grad} @ {b}.T"
                    elif group.batched:
                        d_matrix = f"np.outer({grad}.sum(axis=-1), {b})"
                    else:
                        d_matrix = f"np.outer({grad}, {b})"
                    back += self._scatter(f"({d_matrix}).reshape(-1)", firsts, False)
                    back += self._scatter(f"{a}.T @ {grad}", shared, group.batched)
            else:
                for name, sources in ((a, firsts), (b, seconds)):
                    expr, batched = self._rows(sources)
                    shape = f"{k}, {width}" + (", n" if batched else ", 1" if group.batched else "")
                    forward.append(f"    {name} = {expr}.reshape({shape})")
                parts.append(f"({a} * {b}).sum(axis=1)")
                if wanted:
                    up = f"{grad}[:, None]"
                    flat = f"{k * width}, n" if group.batched else f"{k * width}"
                    back += self._scatter(f"({b} * {up}).reshape({flat})", firsts, group.batched)
                    back += self._scatter(f"({a} * {up}).reshape({flat})", seconds, group.batched)
        forward.append(f"    {group.name} = {' + '.join(parts)}  # {self._describe(group)}")
        if wanted and len(plain) <= 2:
            for j in plain:
                back += self._scatter(grad, [m.terms[j][0] for m in members], group.batched)
        elif wanted:  # every plain term gets the sum's gradient
            flat = f"{k * len(plain)}, n" if group.batched else f"{k * len(plain)}"
            spread = f"np.repeat({grad}, {len(plain)}, axis=0).reshape({flat})"
            terms = [m.terms[j][0] for m in members for j in plain]
            back += self._scatter(spread, terms, group.batched)
        return forward, back

    def _batched(self, node: Value) -> bool:
        return self.place[node][0].batched

    def _describe(self, group: Group) -> str:
        """What the group computes, for the comment beside its line."""
        k = len(group.members)
        if group.op is not None:
            return f"{k} x {group.op.name}"
        sizes = group.pattern
        terms = " + ".join("x" if s == 1 else "w*x" for s in sizes[:3])
        more = f" + ... ({len(sizes)} terms)" if len(sizes) > 3 else ""
        return f"{k} x sum {terms}{more}"


def scatter(target: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """``target[rows[k]] += values[k]`` for every k, rows that repeat adding up."""
    if target.ndim == 1:
        target += np.bincount(rows, weights=values, minlength=len(target))
    else:
        np.add.at(target, rows, values)


__all__ = ["Plan", "fuse", "scatter"]
