"""YAML for the files kept as data (the access policy, the culling rules): safe loading, and a
key repeated in a mapping refused, because YAML would silently keep only the last one."""
from typing import Any

import yaml


class DuplicateKey(ValueError):
    """A mapping names the same key twice."""


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    duplicated = sorted({str(k) for k in keys if keys.count(k) > 1})
    if duplicated:
        raise DuplicateKey(f"duplicated key(s) {duplicated} near line {node.start_mark.line + 1}")
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load(text: str) -> Any:
    """The document in `text`; DuplicateKey for a repeated key, yaml.YAMLError for text that is not YAML."""
    return yaml.load(text, Loader=_UniqueKeyLoader)
