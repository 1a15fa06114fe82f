"""CIDI: the China Internet Development Index 2017 as open data.

The build is a pipeline of small steps (see ``cidi.build``): load and validate the sources in
``datasets/``, compute the indices, analyse the robustness of the ranking, write the data
package, make the charts and pages, and build the site into ``build/site/``.
"""
