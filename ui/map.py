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
LABEL_BACKGROUND = {
    "background": True,
    "get_background_color": [*MAP_BACKGROUND_RGB, 200],
    "background_padding": [2, 1],
}


def js_string(text: str) -> str:
    """``text`` as pydeck passes it on unchanged. pydeck reads any other string as a JavaScript
    expression: a font list "Arial, sans-serif" became the expression ``Arial, sans-serif``, the
    browser got no font it knew, and every name on the map came out 6 pixels tall."""
    return f"'{text}'"


# Tooltips wrap inside the map instead of running off its right edge.
TOOLTIP_STYLE = {"maxWidth": "15rem", "whiteSpace": "normal", "overflowWrap": "anywhere", "fontSize": "0.85rem"}


def _lines(layer_id: str, data: list, color: list[int], width: int) -> pdk.Layer:
    """Lines of ``width`` pixels at every zoom."""
    return pdk.Layer(
        "PathLayer",
        id=layer_id,
        data=data,
        get_path="path",
        get_color=color,
        width_min_pixels=width,
        width_max_pixels=width,
    )


def _names(layer_id: str, data: list, size: int, color: list[int], anchor: str, **extra) -> pdk.Layer:
    """Each point's ``label`` written on the map, in the system's font (deck.gl draws its own glyph
    atlas, nothing is fetched), on a patch of the map's background."""
    return pdk.Layer(
        "TextLayer",
        id=layer_id,
        data=data,
        get_position="[lon, lat]",
        get_text="label",
        get_size=size,
        get_color=color,
        get_text_anchor=js_string(anchor),
        get_alignment_baseline="'center'",
        font_family=js_string(MAP_FONT),
        **LABEL_BACKGROUND,
        **extra,
    )


def _base_layers(place: Place, radius_miles: float | None, points: list[dict]) -> list:
    """County lines, state lines and city names under the results, from data shipped with the app."""
    base = base_map(place, radius_miles, points)
    return [
        _lines("county-lines", base.county_lines, [150, 150, 140, 140], 1),
        _lines("state-lines", base.state_lines, [90, 90, 85, 220], 2),
        # Grey and smaller than the results' names, so they read as places, not as results.
        _names("city-labels", base.cities, CITY_SIZE, [95, 95, 90], "middle"),
    ]


def results_map(place: Place, radius_miles: float | None, hits: Sequence[Hit], vocabulary: Vocabulary) -> None:
    points = hit_points(hits, vocabulary)
    here = search_point(place)
    layers = _base_layers(place, radius_miles, points)
    if radius_miles is not None:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="radius-ring",
                data=[here],
                get_position="[lon, lat]",
                get_radius=ring_meters(radius_miles),
                filled=False,
                stroked=True,
                get_line_color=[*RGB["blue"], 160],
                line_width_min_pixels=2,
            )
        )
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            id="results",
            data=points,
            get_position="[lon, lat]",
            get_fill_color="color",
            get_radius=60,
            radius_min_pixels=6,
            radius_max_pixels=DOT_MAX_PIXELS,
            stroked=True,
            get_line_color=[255, 255, 255],
            line_width_min_pixels=1,
            pickable=True,
        )
    )
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            id="searched-place",
            data=[here],
            get_position="[lon, lat]",
            get_fill_color=[*SEARCH_POINT_RGB],
            get_radius=60,
            radius_min_pixels=7,
            stroked=True,
            get_line_color=[255, 255, 255],
            line_width_min_pixels=2,
            pickable=True,
        )
    )
    # Each result's number and short name on the map itself, readable without hovering.
    layers.append(
        _names("result-labels", points, NAME_SIZE, [17, 17, 17], "start", get_pixel_offset=[NAME_OFFSET_PIXELS, 0])
    )
    view = view_for(place, radius_miles, points)
    deck = pdk.Deck(
        layers=layers,
        map_style=OFFLINE_STYLE,
        tooltip={"text": "{tooltip}", "style": TOOLTIP_STYLE},
        initial_view_state=pdk.ViewState(latitude=view.lat, longitude=view.lon, zoom=view.zoom),
    )
    shown = len(points)
    st.pydeck_chart(
        deck,
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
