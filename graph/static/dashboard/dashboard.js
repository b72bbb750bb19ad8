// The dashboard: reads `stats` from this server's /graphql, draws it with Apache ECharts, and
// follows `dashboardUpdated` over a WebSocket to the same path (graphql-transport-ws, through
// the vendored graphql-ws client, as GraphiQL does). A file of its own, not an inline script,
// so the page's Content-Security-Policy forbids inline scripts.
(function () {
  'use strict';
  var chapter = document.body.dataset.chapter || null;
  var groupBy = chapter ? 'CHAPTER' : 'REGION';
  var FIGURES = [
    'fragment Figures on Stats {',
    '  chapterSlug computedAt minimumCellSize exact',
    '  supplyDemand(groupBy: $groupBy) {',
    '    sectorName region chapterName supply { count suppressed } demand',
    '  }',
    '  funnel { stage count people suppressed }',
    '  hoursByMonth { month hours contributors suppressed }',
    '  firstResponse { medianHours p90Hours responded awaiting suppressed }',
    '  byCountry {',
    '    countryCode engineers { count suppressed } contributors { count suppressed } hours',
    '  }',
    '  scorecards {',
    '    chapterSlug chapterName targetsMet',
    '    eventsHeld { ...Score } activeMembers { ...Score }',
    '    engagements { ...Score } medianResponseHours { ...Score }',
    '  }',
    '}',
    'fragment Score on ScorecardFigure { value target met suppressed }',
  ].join('\n');
  var QUERY =
    'query Dashboard($chapter: String, $groupBy: StatsGrouping!) ' +
    '{ stats(chapter: $chapter) { ...Figures } }\n' + FIGURES;
  var SUBSCRIPTION =
    'subscription DashboardLive($chapter: String, $groupBy: StatsGrouping!) ' +
    '{ dashboardUpdated(chapter: $chapter) { ...Figures } }\n' + FIGURES;
  var variables = { chapter: chapter, groupBy: groupBy };
  var endpoint = new URL('/graphql', window.location.href);

  var state = { renders: 0, updates: 0, stats: null, errors: [] };
  window.dashboard = state; // for people poking at it in the console, and for the tests

  var charts = {
    supplyDemand: echarts.init(document.getElementById('supply-demand')),
    funnel: echarts.init(document.getElementById('funnel')),
    hours: echarts.init(document.getElementById('hours')),
  };
  state.charts = charts;
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (name) { charts[name].resize(); });
  });

  function shown(count) {
    return count === null || count === undefined ? '—' : String(count);
  }

  function status(text) {
    document.getElementById('status').textContent = text;
  }

  function drawSupplyDemand(cells) {
    var columns = [];
    var rows = [];
    cells.forEach(function (cell) {
      var column = cell.chapterName || cell.region;
      if (columns.indexOf(column) < 0) columns.push(column);
      if (rows.indexOf(cell.sectorName) < 0) rows.push(cell.sectorName);
    });
    columns.sort();
    rows.sort().reverse();
    var data = cells.map(function (cell) {
      var supply = cell.supply.count;
      return {
        value: [
          columns.indexOf(cell.chapterName || cell.region),
          rows.indexOf(cell.sectorName),
          supply === null ? '-' : supply - cell.demand,
        ],
        supply: supply,
        demand: cell.demand,
      };
    });
    var values = data.map(function (point) { return point.value[2]; })
      .filter(function (value) { return typeof value === 'number'; });
    var bound = Math.max(1, Math.max.apply(null, values.map(Math.abs).concat([1])));
    charts.supplyDemand.setOption({
      animation: false,
      tooltip: {
        formatter: function (params) {
          var point = params.data;
          return rows[point.value[1]] + ' · ' + columns[point.value[0]] + '<br>' +
            'offering: ' + shown(point.supply) + '<br>open opportunities: ' + point.demand;
        },
      },
      grid: { left: 170, right: 20, top: 10, bottom: 90 },
      xAxis: { type: 'category', data: columns, axisLabel: { rotate: 30 } },
      yAxis: { type: 'category', data: rows },
      visualMap: {
        min: -bound, max: bound, calculable: true, orient: 'horizontal', left: 'center',
        bottom: 0, inRange: { color: ['#b3261e', '#f5f5f5', '#1a7f37'] },
      },
      series: [{
        name: 'supply − demand', type: 'heatmap', data: data,
        label: { show: true, formatter: function (params) {
          return shown(params.data.supply) + '/' + params.data.demand;
        } },
      }],
    }, true);
  }

  function drawFunnel(stages) {
    charts.funnel.setOption({
      animation: false,
      tooltip: { trigger: 'item' },
      series: [{
        name: 'funnel', type: 'funnel', sort: 'none', left: '10%', width: '80%',
        label: { show: true, position: 'inside', formatter: '{b}: {c}' },
        data: stages.map(function (stage) {
          return { name: stage.stage, value: stage.count === null ? 0 : stage.count };
        }),
      }],
    }, true);
  }

  function drawHours(months) {
    charts.hours.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 60, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'category', data: months.map(function (month) { return month.month; }) },
      yAxis: { type: 'value', name: 'hours' },
      series: [{
        name: 'hours', type: 'bar', itemStyle: { color: '#0b4f6c' },
        data: months.map(function (month) { return month.hours === null ? 0 : month.hours; }),
      }],
    }, true);
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
  }

  function fill(id, items, build) {
    var body = document.querySelector('#' + id + ' tbody');
    body.replaceChildren();
    items.forEach(function (item) {
      var row = document.createElement('tr');
      build(row, item);
      body.appendChild(row);
    });
  }

  function score(row, figure) {
    var text = figure.suppressed ? '—' : figure.value === null ? 'n/a' : String(figure.value);
    cell(row, text + ' / ' + figure.target,
      figure.met === true ? 'met' : figure.met === false ? 'missed' : '');
  }

  function drawResponse(response) {
    var list = document.getElementById('response');
    list.replaceChildren();
    [
      ['Median hours to first application', shown(response.medianHours)],
      ['90th percentile (hours)', shown(response.p90Hours)],
      ['Opportunities answered', shown(response.responded)],
      ['Open, awaiting a first application', String(response.awaiting)],
    ].forEach(function (pair) {
      var term = document.createElement('dt');
      term.textContent = pair[0];
      var value = document.createElement('dd');
      value.textContent = pair[1];
      list.appendChild(term);
      list.appendChild(value);
    });
  }

  function render(stats) {
    state.stats = stats;
    document.getElementById('minimum').textContent = String(stats.minimumCellSize);
    drawSupplyDemand(stats.supplyDemand);
    drawFunnel(stats.funnel);
    drawHours(stats.hoursByMonth);
    drawResponse(stats.firstResponse);
    fill('scorecards', stats.scorecards, function (row, card) {
      cell(row, card.chapterName);
      score(row, card.eventsHeld);
      score(row, card.activeMembers);
      score(row, card.engagements);
      score(row, card.medianResponseHours);
      cell(row, card.targetsMet + ' of 4');
    });
    var countries = stats.byCountry.slice().sort(function (a, b) {
      return (b.engineers.count || 0) - (a.engineers.count || 0) ||
        a.countryCode.localeCompare(b.countryCode);
    });
    fill('countries', countries, function (row, country) {
      cell(row, country.countryCode);
      cell(row, shown(country.engineers.count));
      cell(row, shown(country.contributors.count));
      cell(row, shown(country.hours));
    });
    state.renders += 1;
    status('Figures as of ' + new Date(stats.computedAt).toLocaleString() +
      (state.live ? ' · live' : ''));
  }

  function fail(message) {
    state.errors.push(message);
    status('Could not load the figures: ' + message);
  }

  function load() {
    return fetch(endpoint.toString(), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query: QUERY, variables: variables }),
    }).then(function (response) { return response.json(); }).then(function (body) {
      if (body.errors) throw new Error(body.errors[0].message);
      if (!body.data.stats) throw new Error('no such chapter');
      render(body.data.stats);
    }).catch(function (error) { fail(String(error.message || error)); });
  }

  var socketUrl = new URL(endpoint.toString());
  socketUrl.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  var client = graphqlWs.createClient({
    url: socketUrl.toString(),
    lazy: false,
    retryAttempts: Infinity,
    on: {
      connected: function () { state.live = true; },
      closed: function () { state.live = false; },
    },
  });
  state.client = client;
  // Follow first, then read: a write between the two is not missed.
  client.subscribe(
    { query: SUBSCRIPTION, variables: variables },
    {
      next: function (result) {
        if (result.data && result.data.dashboardUpdated) {
          state.updates += 1;
          render(result.data.dashboardUpdated);
        }
      },
      error: function (error) { fail('live updates stopped: ' + String(error.message || error)); },
      complete: function () {},
    }
  );
  load();
})();
