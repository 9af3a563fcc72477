import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseSelector, selectorFromSet, labelSelectorAsSelector, formatLabelSelector, formatLabels,
  parseToLabelSelector, labelSelectorAsMap, Selector, SelectorError,
} from '../../../src/apimachinery/labels.js';

test('good selectors round-trip to their canonical string (spaces dropped, sorted by key)', () => {
  const good = ['x=a', 'x=a,y=b,z=c', '', 'x!=a', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'];
  for (const s of good) assert.equal(parseSelector(s).toString(), s.replace(/ /g, ''), s);
  assert.equal(parseSelector('x=a,a=x').toString(), 'a=x,x=a');
  assert.equal(parseSelector('env in (prod, qa),tier notin (frontend)').toString(), 'env in (prod,qa),tier notin (frontend)');
  assert.equal(parseSelector('a==b').toString(), 'a==b');
  assert.equal(parseSelector(' app ,\t!beta ').toString(), 'app,!beta');
  assert.equal(parseSelector('x in (b,a,b)').toString(), 'x in (a,b)');
});

test('bad selectors give upstream messages', () => {
  const err = (s: string) => {
    try {
      parseSelector(s);
    } catch (e) {
      assert.ok(e instanceof SelectorError);
      return (e as Error).message;
    }
    assert.fail(`expected ${s} to fail`);
  };
  // `|` is an ordinary identifier character, so the value is `a||y`, which is not a valid label value.
  assert.match(err('x=a||y=b'), /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a\|\|y": a valid label must be/);
  assert.equal(err('x==a==b'), "found '==', expected: ',' or 'end of string'");
  assert.equal(err('!x=a'), "found '=', expected: ',' or 'end of string'");
  assert.equal(err('x<a'), `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`);
  assert.equal(err('a,'), "found '', expected: identifier after ','");
  assert.equal(err('=a'), "found '=', expected: !, identifier, or 'end of string'");
  assert.equal(err('x in a'), "unable to parse requirement: found 'a' expected: '('");
  assert.equal(err('x in (a b)'), "unable to parse requirement: found 'b', expected: ',' or ')'");
  assert.equal(err('x foo'), 'unable to parse requirement: found \'foo\', expected: in, notin, =, ==, !=, gt, lt');
  assert.equal(
    err('-x=a'),
    'unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
  );
  assert.equal(
    err('app=a b'),
    "found 'b', expected: ',' or 'end of string'",
  );
  assert.equal(
    err('app=-bad'),
    'unable to parse requirement: values[0][app]: Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
  );
  assert.equal(err('a/b/c'), 'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\') with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')');
  assert.equal(err('x=a=b').startsWith("found '='"), true);
  assert.equal(err('x=(a)'), "unable to parse requirement: found '(', expected: identifier");
  assert.equal(err('x in (a'), "unable to parse requirement: found '', expected: ',' or ')'");
});

test('matching follows upstream semantics', () => {
  const m = (sel: string, labels: Record<string, string>) => parseSelector(sel).matches(labels);
  assert.ok(m('', { x: 'y' }));
  assert.ok(m('x=y,z=w', { x: 'y', z: 'w' }));
  assert.ok(m('x!=y,z!=w', { x: 'z', z: 'a' }));
  assert.ok(m('notin=in', { notin: 'in' }));
  assert.ok(m('x', { x: 'z' }));
  assert.ok(m('!x', { y: 'z' }));
  assert.ok(m('x>1', { x: '2' }));
  assert.ok(m('x<1', { x: '0' }));
  assert.ok(m('x!=y', {}));
  assert.ok(m('x notin (a)', {}));
  assert.ok(m('x in (a,b)', { x: 'b' }));
  assert.ok(m('x in (,a)', { x: '' }));
  assert.ok(!m('x=z', {}));
  assert.ok(!m('x', { y: 'z' }));
  assert.ok(!m('!x', { x: 'z' }));
  assert.ok(!m('x>1', { x: '0' }));
  assert.ok(!m('x>1', { x: 'abc' }));
  assert.ok(!m('x in (a,b)', { x: 'c' }));
  assert.ok(!m('x notin (a,b)', { x: 'a' }));
});

test('sets, metav1.LabelSelector conversions and formatting', () => {
  assert.equal(selectorFromSet({ b: '2', a: '1' }).toString(), 'a=1,b=2');
  assert.ok(selectorFromSet({}).empty());
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { app: 'nginx' } }), 'app=nginx');
  assert.equal(formatLabelSelector(null), '<none>');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), '<error>');
  assert.equal(
    formatLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'gone', operator: 'DoesNotExist' },
        { key: 'env', operator: 'Exists' },
        { key: 'zone', operator: 'NotIn', values: ['z1'] },
      ],
    }),
    'app=web,env,!gone,tier in (a,b),zone notin (z1)',
  );
  const nothing = labelSelectorAsSelector(undefined);
  assert.ok(!nothing.matches({}));
  assert.ok(!nothing.empty());
  assert.ok(labelSelectorAsSelector({}).matches({ any: 'thing' }));
  assert.ok(labelSelectorAsSelector({ matchLabels: { app: 'web' } }).matches({ app: 'web', x: 'y' }));
  assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), {
    message: `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`,
  });
  assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), {
    message: '"Gt" is not a valid label selector operator',
  });
  assert.deepEqual(parseToLabelSelector('app=web,tier in (b,a),!x'), {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
      { key: 'x', operator: 'DoesNotExist', values: [] },
    ],
  });
  assert.deepEqual(labelSelectorAsMap({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['2'] }] }), { a: '1', b: '2' });
  assert.equal(parseSelector('a=1,b in (2)').requiresExactMatch('b'), '2');
  assert.equal(Selector.everything().toString(), '');
});
