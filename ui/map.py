"""The results map: the searched place, the radius ring, and the results on the current page.

Everything on it is also in the list, so the page works when map tiles cannot load.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

import pydeck as pdk
import streamlit as st

from navigator.directory.vocabulary import Vocabulary
from navigator.i18n import _, ngettext
from navigator.search.engine import Hit
from navigator.search.maplayers import (
    CITY_SIZE,
    DOT_MAX_PIXELS,
    MAP_FONT,
    NAME_OFFSET_PIXELS,
    NAME_SIZE,
    RGB,
    SEARCH_POINT_RGB,
    base_map,
    category_color,
    hit_points,
    ring_meters,
    search_point,
    view_for,
)
from navigator.search.places import Place
from navigator.text import markdown_text

MAP_HEIGHT = 420
# A base map drawn from nothing outside: with no style given, Streamlit fills in a style (and its
# tiles and fonts) from an outside map host. This style is one plain background layer.
# Given as a data: URL, since the chart wants a style address: the browser reads it from the
# page itself, and nothing is fetched.
OFFLINE_STYLE = "data:application/json," + quote(
    json.dumps(
        {
            "version": 8,
            "sources": {},
            "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#eef0ec"}}],
        }
    )
)
MAP_BACKGROUND_RGB = [238, 240, 236]  # OFFLINE_STYLE's background
# Names sit on a patch of the map's own background, so county and state lines never run through
# their letters; a little see-through, so a dot beneath a name still shows.
LABEL_BACKGROUND = {"background": True, "getBackgroundColor": [*MAP_BACKGROUND_RGB, 200], "backgroundPadding": [2, 1]}

# Tooltips wrap inside the map instead of running off its right edge.
TOOLTIP_STYLE = {"maxWidth": "15rem", "whiteSpace": "normal", "overflowWrap": "anywhere", "fontSize": "0.85rem"}
TOOLTIP = {"text": "{tooltip}", "style": TOOLTIP_STYLE}


# The map is sent as deck.gl's JSON, written here as pydeck would write it (the same layers and
# values, without the indenting): in it a string is taken as it stands, and one starting with
# "@@=" is an expression over each datum (pydeck turned a plain string into an expression: a
# font list "Arial, sans-serif" became the expression ``Arial, sans-serif``, the browser got no
# font it knew, and every name on the map came out 6 pixels tall). Building pydeck's objects took
# a fifth of a search's page run: its Deck tries to import its Jupyter widget five times (each a
# failed import), and its JSON is indented by Python's slowest encoder (35 KB a map, not 14 KB).
def _lines(layer_id: str, color: list[int], width: int) -> dict:
    """Lines of ``width`` pixels at every zoom (their data added as JSON text)."""
    return {
        "@@type": "PathLayer",
        "id": layer_id,
        "getPath": "@@=path",
        "getColor": color,
        "widthMinPixels": width,
        "widthMaxPixels": width,
    }


def _names(layer_id: str, data: list, size: int, color: list[int], anchor: str, **extra) -> dict:
    """Each point's ``label`` written on the map, in the system's font (deck.gl draws its own glyph
    atlas, nothing is fetched), on a patch of the map's background."""
    return {
        "@@type": "TextLayer",
        "id": layer_id,
        "data": data,
        "getPosition": "@@=[lon, lat]",
        "getText": "@@=label",
        "getSize": size,
        "getColor": color,
        "getTextAnchor": anchor,
        "getAlignmentBaseline": "center",
        "fontFamily": MAP_FONT,
        **LABEL_BACKGROUND,
        **extra,
    }


def _with_data(layer: dict, data_json: str) -> str:
    """``layer`` as JSON with its ``data`` given as JSON text already written."""
    return json.dumps(layer, separators=(",", ":"))[:-1] + ',"data":' + data_json + "}"


def deck_json(place: Place, radius_miles: float | None, points: list[dict]) -> str:
    """The map's deck.gl JSON: county and state lines and city names, the radius ring, the results
    on the page (``points``: dots and names) and the searched place."""
    here = search_point(place)
    base = base_map(place, radius_miles, points)
    layers = [
        # Grey and smaller than the results' names, so they read as places, not as results.
        _names("city-labels", base.cities, CITY_SIZE, [95, 95, 90], "middle"),
    ]
    if radius_miles is not None:
        layers.append(
            {
                "@@type": "ScatterplotLayer",
                "id": "radius-ring",
                "data": [here],
                "getPosition": "@@=[lon, lat]",
                "getRadius": ring_meters(radius_miles),
                "filled": False,
                "stroked": True,
                "getLineColor": [*RGB["blue"], 160],
                "lineWidthMinPixels": 2,
            }
        )
    layers.append(
        {
            "@@type": "ScatterplotLayer",
            "id": "results",
            "data": points,
            "getPosition": "@@=[lon, lat]",
            "getFillColor": "@@=color",
            "getRadius": 60,
            "radiusMinPixels": 6,
            "radiusMaxPixels": DOT_MAX_PIXELS,
            "stroked": True,
            "getLineColor": [255, 255, 255],
            "lineWidthMinPixels": 1,
            "pickable": True,
        }
    )
    layers.append(
        {
            "@@type": "ScatterplotLayer",
            "id": "searched-place",
            "data": [here],
            "getPosition": "@@=[lon, lat]",
            "getFillColor": [*SEARCH_POINT_RGB],
            "getRadius": 60,
            "radiusMinPixels": 7,
            "stroked": True,
            "getLineColor": [255, 255, 255],
            "lineWidthMinPixels": 2,
            "pickable": True,
        }
    )
    # Each result's number and short name on the map itself, readable without hovering.
    layers.append(
        _names("result-labels", points, NAME_SIZE, [17, 17, 17], "start", getPixelOffset=[NAME_OFFSET_PIXELS, 0])
    )
    view = view_for(place, radius_miles, points)
    # Under everything else, county lines first: in the order pydeck drew them.
    drawn = [
        _with_data(_lines("county-lines", [150, 150, 140, 140], 1), base.county_lines_json),
        _with_data(_lines("state-lines", [90, 90, 85, 220], 2), base.state_lines_json),
        *(json.dumps(layer, separators=(",", ":")) for layer in layers),
    ]
    deck = {
        "initialViewState": {"latitude": view.lat, "longitude": view.lon, "zoom": view.zoom},
        "mapProvider": "carto",
        "mapStyle": OFFLINE_STYLE,
        "views": [{"@@type": "MapView", "controller": True}],
    }
    return json.dumps(deck, separators=(",", ":"))[:-1] + ',"layers":[' + ",".join(drawn) + "]}"


class _WrittenDeck(pdk.Deck):
    """A map whose JSON is written here (``deck_json``), for ``st.pydeck_chart``: which reads of
    a Deck its JSON, its tooltip (``_tooltip``), its layers' data (none here) and its map keys (none:
    the base map is drawn from the app's own data). pydeck's own set-up is skipped (see above)."""

    def __init__(self, spec: str, tooltip: dict):
        self._spec = spec
        self._tooltip = tooltip
        self.layers = []
        self.mapbox_key = None

    def to_json(self) -> str:
        return self._spec


def results_map(place: Place, radius_miles: float | None, hits: Sequence[Hit], vocabulary: Vocabulary) -> None:
    points = hit_points(hits, vocabulary)
    shown = len(points)
    st.pydeck_chart(
        _WrittenDeck(deck_json(place, radius_miles, points), TOOLTIP),
        height=MAP_HEIGHT,
        key="find-map",
        alt=ngettext(
            "Map of the searched place and {count} result on this page",
            "Map of the searched place and {count} results on this page",
            shown,
        ).format(count=shown),
    )
    categories = dict.fromkeys(hit.category for hit in hits if not hit.remote)
    legend = ["● " + _("Searched place")] + [
        f":{category_color(category)}[●] " + markdown_text(vocabulary.category_label(category))
        for category in categories
    ]
    st.caption(" · ".join(legend))
