"""Tools with Python `execute` functions and stop conditions for the agent loop.

>>> @ditto_llm.tool
... def get_weather(city: str) -> dict:
...     '''Current weather in a city.'''
...     return {"city": city, "celsius": 21}
>>> client.generate_text(model=..., prompt=..., tools=[get_weather], stop_when=[ditto_llm.step_count_is(3)])
"""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any, Awaitable, Callable, Dict, List, Literal, Mapping, Optional, Union, overload

__all__ = ["Tool", "ToolContext", "tool", "step_count_is", "has_tool_call"]

ToolContext = Dict[str, Any]
"""What `execute` gets as its second argument (when it takes one): `tool_call_id`, `tool_name`,
`step` (0-based) and `messages` (the conversation the model saw, as dicts)."""

Execute = Callable[..., Union[Any, Awaitable[Any]]]


def _is_model_class(v: Any) -> bool:
    return isinstance(v, type) and hasattr(v, "model_json_schema") and hasattr(v, "model_validate")


_SIMPLE: Dict[Any, Dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dict: {"type": "object"},
    list: {"type": "array"},
    type(None): {"type": "null"},
}


def _schema_of(hint: Any) -> Dict[str, Any]:
    """A JSON Schema for a type hint: str/int/float/bool/None, list[X], dict[str, X],
    Optional/Union, Literal[...] and pydantic models; anything else accepts any value."""
    if hint in _SIMPLE:
        return dict(_SIMPLE[hint])
    if _is_model_class(hint):
        schema: Dict[str, Any] = hint.model_json_schema()
        return schema
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is Literal:
        return {"enum": list(args)}
    if origin is Union or origin is getattr(types, "UnionType", None):
        return {"anyOf": [_schema_of(a) for a in args]}
    if origin in (list, List, tuple, set, frozenset):
        return {"type": "array", "items": _schema_of(args[0])} if args else {"type": "array"}
    if origin in (dict, Dict, Mapping):
        out: Dict[str, Any] = {"type": "object"}
        if len(args) == 2:
            out["additionalProperties"] = _schema_of(args[1])
        return out
    return {}


def _signature_schema(fn: Callable[..., Any]) -> Dict[str, Any]:
    hints = typing.get_type_hints(fn)
    props: Dict[str, Any] = {}
    required: List[str] = []
    for name, p in inspect.signature(fn).parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        props[name] = _schema_of(hints.get(name, Any))
        if p.default is p.empty:
            required.append(name)
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


def _takes_context(fn: Callable[..., Any]) -> bool:
    """True when `fn` takes a second positional argument without default, or one named `context`."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    return len(required) >= 2 or any(p.name == "context" for p in positional[1:])


class Tool:
    """A tool the model may call. With `execute`, the agent loop runs it and feeds the result
    back; without, the call is handed back to you (in `tool_calls`)."""

    __ditto_tool__ = True

    def __init__(
        self,
        *,
        name: str,
        description: Optional[str] = None,
        parameters: Union[Mapping[str, Any], type],
        execute: Optional[Execute] = None,
        needs_approval: bool = False,
        keyword_arguments: bool = False,
    ) -> None:
        if not name or not isinstance(name, str):
            raise TypeError("tool(): `name` must be a non-empty str")
        if execute is not None and not callable(execute):
            raise TypeError(f"tool({name!r}): `execute` must be callable")
        if not (isinstance(parameters, Mapping) or _is_model_class(parameters)):
            raise TypeError(f"tool({name!r}): `parameters` must be a JSON Schema dict or a pydantic model class")
        self.name = name
        self.description = description
        self.parameters: Union[Mapping[str, Any], type] = parameters
        self.execute = execute
        self.needs_approval = needs_approval
        self._keywords = keyword_arguments
        self._with_context = False
        if execute is not None and not keyword_arguments:
            self._with_context = _takes_context(execute)

    def _invoke(self, input: Any, context: ToolContext) -> Any:
        """Called by the agent loop (from a worker thread); may return an awaitable."""
        assert self.execute is not None
        if _is_model_class(self.parameters):
            input = typing.cast(Any, self.parameters).model_validate(input)
        if self._keywords:
            if not isinstance(input, dict):
                raise TypeError(f"tool {self.name!r} expects an object input, got {type(input).__name__}")
            return self.execute(**input)
        if self._with_context:
            return self.execute(input, context)
        return self.execute(input)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call `execute` directly (a decorated function stays callable)."""
        if self.execute is None:
            raise TypeError(f"tool {self.name!r} has no execute function")
        return self.execute(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Tool(name={self.name!r}, execute={'yes' if self.execute else 'no'}, needs_approval={self.needs_approval})"


@overload
def tool(fn: Execute, /) -> Tool: ...
@overload
def tool(
    *,
    name: str,
    description: Optional[str] = None,
    parameters: Union[Mapping[str, Any], type],
    execute: Optional[Execute] = None,
    needs_approval: bool = False,
) -> Tool: ...
@overload
def tool(
    *,
    name: str,
    description: Optional[str] = None,
    parameters: None = None,
    execute: Execute,
    needs_approval: bool = False,
) -> Tool: ...
@overload
def tool(
    fn: None = None,
    /,
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
    needs_approval: bool = False,
) -> Callable[[Execute], Tool]: ...
def tool(
    fn: Optional[Execute] = None,
    /,
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
    parameters: Union[Mapping[str, Any], type, None] = None,
    execute: Optional[Execute] = None,
    needs_approval: bool = False,
) -> Any:
    """Define a tool.

    - `tool(name=..., description=..., parameters=<JSON Schema dict | pydantic model class>,
      execute=fn, needs_approval=False)` returns a `Tool`; `fn(input)` (or `fn(input, context)`)
      gets the parsed input (a pydantic instance when `parameters` is a model class).
    - `@tool` (or `@tool(description=..., needs_approval=True)`) on a function derives the name
      from the function, the description from its docstring and the schema from its type hints;
      the function is called with the input as keyword arguments.

    `execute` may be sync or `async def`; an exception becomes a `tool-error` fed back to the
    model (the exception's message); the return value must be JSON-serialisable (or a pydantic
    model instance).
    """

    def decorate(f: Execute) -> Tool:
        return Tool(
            name=name or str(getattr(f, "__name__", "tool")),
            description=description if description is not None else inspect.getdoc(f),
            parameters=parameters if parameters is not None else _signature_schema(f),
            execute=f,
            needs_approval=needs_approval,
            keyword_arguments=parameters is None,
        )

    if fn is not None:
        return decorate(fn)
    if name is not None and (parameters is not None or execute is not None):
        return Tool(
            name=name,
            description=description,
            parameters=parameters if parameters is not None else {"type": "object", "properties": {}},
            execute=execute,
            needs_approval=needs_approval,
        )
    return decorate


def step_count_is(count: int) -> Dict[str, Any]:
    """Stop once `count` steps (model calls) ran."""
    return {"type": "step-count", "count": count}


def has_tool_call(tool_name: str) -> Dict[str, Any]:
    """Stop after a step that called `tool_name`."""
    return {"type": "has-tool-call", "tool_name": tool_name}
